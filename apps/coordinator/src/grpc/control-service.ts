import * as grpc from '@grpc/grpc-js';
import { formatProblems, fromJson, toProperties } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { OffsetSyncServiceClient, type ControlServiceServer, type FlowRef } from '@mirrormaker/proto';
import { isConfigRejected } from '../config/config-rejected';
import type { Coordinator } from '../coordinator';
import { toConfigProblem } from '../status/status-view';
import { notLeaderError, secureClient, type ClientSecurity } from '@mirrormaker/service-kit';
import { isNotLeaderError } from '../leadership/not-leader-error';

const flowName = (ref: FlowRef | undefined) => `${ref?.source ?? ''}->${ref?.target ?? ''}`;

/** Maps a failure to the gRPC status an operator's client sees, with every problem listed. */
function toStatus(err: unknown): Partial<grpc.StatusObject> {
  if (isNotLeaderError(err)) return notLeaderError(err.message, err.leaderAddress);
  if (isConfigRejected(err)) return { code: grpc.status.INVALID_ARGUMENT, details: formatProblems(err.problems) };
  const e = err as Error & { code?: string };
  if (e.code === 'FLOW_NOT_FOUND') return { code: grpc.status.NOT_FOUND, details: e.message };
  if (e.code === 'BAD_JSON') return { code: grpc.status.INVALID_ARGUMENT, details: e.message };
  if (e.code === 'UNAVAILABLE') return { code: grpc.status.UNAVAILABLE, details: e.message };
  if (typeof (err as grpc.ServiceError).code === 'number') return { code: (err as grpc.ServiceError).code, details: e.message };
  if (/config is not loaded yet/.test(e.message)) return { code: grpc.status.UNAVAILABLE, details: e.message };
  return { code: grpc.status.INTERNAL, details: e.message };
}

function unary<Req, Res>(log: Logger, name: string, fn: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const status = toStatus(err);
          if (status.code === grpc.status.INTERNAL) log.error({ rpc: name, err: (err as Error).message }, 'control call failed');
          callback(status, null);
        },
      );
  };
}

/**
 * gRPC handlers of mirrormaker.v1.ControlService over the Coordinator. `offsetSyncClient` is how
 * TranslateGroupOffsets reaches offset-sync: TLS and the coordinator's own token (a viewer there).
 */
export function controlServiceHandlers(coordinator: Coordinator, logger: Logger, offsetSyncClient: ClientSecurity): ControlServiceServer {
  const log = logger.child({ component: 'control-api' });
  return {
    listFlows: unary(log, 'ListFlows', () => {
      const { flows, revision } = coordinator.flows();
      return { flows, configRevision: BigInt(revision) };
    }),
    getFlow: unary(log, 'GetFlow', (req) => ({ flow: coordinator.flowView(flowName(req.flow)) })),
    applyConfig: unary(log, 'ApplyConfig', async (req) => {
      let text: string;
      if (req.config?.$case === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(req.config.value);
        } catch (err) {
          throw Object.assign(new Error(`config JSON does not parse: ${(err as Error).message}`), { code: 'BAD_JSON' });
        }
        const loaded = fromJson(parsed);
        const errors = loaded.problems.filter((p) => p.severity === 'error');
        if (errors.length > 0) throw Object.assign(new Error(formatProblems(errors)), { code: 'BAD_JSON' });
        text = toProperties(loaded.config);
      } else if (req.config?.$case === 'properties') {
        text = req.config.value;
      } else {
        throw Object.assign(new Error('send the config as properties or json'), { code: 'BAD_JSON' });
      }
      const { revision, warnings } = await coordinator.applyConfig(text, req.dryRun);
      return {
        configRevision: BigInt(revision.revision),
        warnings: warnings.map(toConfigProblem),
      };
    }),
    patchFlow: unary(log, 'PatchFlow', async (req) => {
      const name = flowName(req.flow);
      const { revision } = await coordinator.patchFlow(name, req.set, req.unset);
      return { flow: coordinator.flowView(name), configRevision: BigInt(revision.revision) };
    }),
    pauseFlow: unary(log, 'PauseFlow', async (req) => {
      await coordinator.setPaused(flowName(req.flow), true);
      return { flow: coordinator.flowView(flowName(req.flow)) };
    }),
    resumeFlow: unary(log, 'ResumeFlow', async (req) => {
      await coordinator.setPaused(flowName(req.flow), false);
      return { flow: coordinator.flowView(flowName(req.flow)) };
    }),
    deleteFlow: unary(log, 'DeleteFlow', async (req) => {
      const { revision } = await coordinator.deleteFlow(flowName(req.flow));
      return { configRevision: BigInt(revision.revision) };
    }),
    getStatus: unary(log, 'GetStatus', (req) => coordinator.status(req.flows.map(flowName))),
    listInstances: unary(log, 'ListInstances', () => ({ instances: coordinator.instances() })),
    drainInstance: unary(log, 'DrainInstance', (req) => {
      try {
        return { unitsMoved: coordinator.leases.drain(req.instanceId) };
      } catch (err) {
        throw Object.assign(err as Error, { code: 'FLOW_NOT_FOUND' });
      }
    }),
    refresh: unary(log, 'Refresh', async (req) => {
      await coordinator.refresh(req.flows.map(flowName));
      return {};
    }),
    translateGroupOffsets: unary(log, 'TranslateGroupOffsets', async (req) => {
      const name = flowName(req.flow);
      const holder = coordinator.offsetSyncHolder(name);
      if (!holder?.address) {
        const e = new Error(
          holder
            ? `offset-sync instance ${holder.instance} holds flow ${name} but did not advertise a gRPC address`
            : `no offset-sync instance holds flow ${name}'s groups yet: start an offset-sync service pointed at this coordinator`,
        );
        throw Object.assign(e, { code: 'UNAVAILABLE' });
      }
      const client = secureClient(OffsetSyncServiceClient, holder.address, offsetSyncClient);
      try {
        return await new Promise((resolve, reject) =>
          client.translateOffsets({ flow: req.flow, group: req.group }, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
            err ? reject(err) : resolve({ offsets: res.offsets }),
          ),
        );
      } finally {
        client.close();
      }
    }),
  };
}
