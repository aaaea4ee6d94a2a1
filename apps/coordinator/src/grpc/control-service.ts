import * as grpc from '@grpc/grpc-js';
import { groupIdProblem } from '@mirrormaker/kafka';
import { formatProblems, fromJson, toProperties } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import {
  OffsetSyncServiceClient,
  type ControlServiceServer,
  type FlowRef,
  type SourcePosition,
  type TargetPosition,
  type TranslatedOffset,
  type TranslateOffsetsResponse,
  type TranslateToSourceResponse,
} from '@mirrormaker/proto';
import { GroupMover } from '../failover/group-mover';
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
  if (e.code === 'FAILED_PRECONDITION') return { code: grpc.status.FAILED_PRECONDITION, details: e.message };
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

const badRequest = (message: string) => Object.assign(new Error(message), { code: 'BAD_JSON' });

function requireRef(ref: FlowRef | undefined): FlowRef {
  if (!ref?.source || !ref.target) throw badRequest('flow.source and flow.target are required');
  return ref;
}

function requireGroups(groups: readonly string[]): string[] {
  const named = groups.filter((g) => g !== '');
  if (named.length === 0) throw badRequest('name at least one consumer group in groups');
  const tooLong = named.map(groupIdProblem).find((problem) => problem !== undefined);
  if (tooLong !== undefined) throw badRequest(tooLong);
  return [...new Set(named)];
}

/**
 * Calls on the offset-sync instance holding a flow's groups unit: TLS and the coordinator's own
 * token (a viewer there).
 */
function offsetSyncForwarder(coordinator: Coordinator, security: ClientSecurity) {
  const call = async <Res>(ref: FlowRef, fn: (client: OffsetSyncServiceClient, deadline: Date, done: (err: grpc.ServiceError | null, res: Res) => void) => void): Promise<Res> => {
    const name = flowName(ref);
    const holder = coordinator.offsetSyncHolder(name);
    if (!holder?.address) {
      const e = new Error(
        holder
          ? `offset-sync instance ${holder.instance} holds flow ${name} but did not advertise a gRPC address`
          : `no offset-sync instance holds flow ${name}'s groups yet: start an offset-sync service pointed at this coordinator`,
      );
      throw Object.assign(e, { code: 'UNAVAILABLE' });
    }
    const client = secureClient(OffsetSyncServiceClient, holder.address, security);
    try {
      return await new Promise<Res>((resolve, reject) => fn(client, new Date(Date.now() + 10_000), (err, res) => (err ? reject(err) : resolve(res))));
    } finally {
      client.close();
    }
  };
  return {
    translate: (flow: FlowRef, group: string): Promise<TranslatedOffset[]> =>
      call<TranslateOffsetsResponse>(flow, (client, deadline, done) => client.translateOffsets({ flow, group }, new grpc.Metadata(), { deadline }, done)).then((r) => r.offsets),
    translateToSource: (flow: FlowRef, positions: TargetPosition[]): Promise<SourcePosition[]> =>
      call<TranslateToSourceResponse>(flow, (client, deadline, done) => client.translateToSource({ flow, positions }, new grpc.Metadata(), { deadline }, done)).then((r) => r.positions),
  };
}

/**
 * gRPC handlers of mirrormaker.v1.ControlService over the Coordinator. `offsetSyncClient` is how
 * TranslateGroupOffsets reaches offset-sync: TLS and the coordinator's own token (a viewer there).
 */
export function controlServiceHandlers(coordinator: Coordinator, logger: Logger, offsetSyncClient: ClientSecurity): ControlServiceServer {
  const log = logger.child({ component: 'control-api' });
  const offsetSync = offsetSyncForwarder(coordinator, offsetSyncClient);
  const mover = new GroupMover({
    logger,
    skipped: coordinator.skippedRecords,
    flow: (name) => coordinator.flowConfig(name),
    connection: (alias) => coordinator.connectionOf(alias, 'failover'),
    replicated: (flow) => coordinator.replicatedPartitions(flow),
    lag: (flow) => coordinator.flowLag(flow),
    translate: (flow, group) => offsetSync.translate(flow, group),
    translateToSource: (flow, positions) => offsetSync.translateToSource(flow, positions),
  });
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
    translateGroupOffsets: unary(log, 'TranslateGroupOffsets', async (req) => ({ offsets: await offsetSync.translate(requireRef(req.flow), req.group) })),
    prepareFailover: unary(log, 'PrepareFailover', async (req) => ({ report: await mover.failover(requireRef(req.flow), requireGroups(req.groups), true) })),
    failover: unary(log, 'Failover', async (req) => ({ report: await mover.failover(requireRef(req.flow), requireGroups(req.groups), req.dryRun) })),
    failback: unary(log, 'Failback', async (req) => ({ report: await mover.failback(requireRef(req.flow), requireGroups(req.groups), req.dryRun) })),
  };
}
