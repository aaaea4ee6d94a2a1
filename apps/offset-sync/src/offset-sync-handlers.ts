import * as grpc from '@grpc/grpc-js';
import { groupIdProblem, isKafkaError } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { FlowRef, OffsetSyncServiceServer, SourcePosition, TargetPosition, TranslateOffsetsResponse, TranslateToSourceResponse } from '@mirrormaker/proto';
import type { TranslatedPosition } from './translated-offsets';

/** What the handlers need from the service: the units it holds, by flow name. */
export interface TranslationSource {
  /** undefined when this instance holds no groups unit of the flow. */
  unitFor(flow: string): { translate(group: string): Promise<TranslatedPosition[]>; translateToSource(positions: readonly TargetPosition[]): SourcePosition[] } | undefined;
  /** Why no unit is held, for the error message (no config, unknown flow, not leased here). */
  whyNoUnit(flow: string): { code: grpc.status; message: string };
}

const flowName = (ref: FlowRef | undefined): string => `${ref?.source ?? ''}->${ref?.target ?? ''}`;

class CallError extends Error {
  constructor(
    readonly status: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

function toStatus(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof CallError) return { code: err.status, details: err.message };
  const e = err as Error & { code?: unknown };
  if (e.code === 'NOT_READY') return { code: grpc.status.UNAVAILABLE, details: e.message };
  if (isKafkaError(err)) {
    if (err.retriable) return { code: grpc.status.UNAVAILABLE, details: err.message };
    if (err.code === 'AUTHORIZATION_FAILED' || err.code === 'AUTHENTICATION_FAILED') return { code: grpc.status.PERMISSION_DENIED, details: err.message };
  }
  return { code: grpc.status.INTERNAL, details: e.message ?? String(err) };
}

/** gRPC handlers of mirrormaker.v1.OffsetSyncService. */
export function offsetSyncHandlers(source: TranslationSource, logger: Logger): OffsetSyncServiceServer {
  const log = logger.child({ component: 'offset-sync-api' });
  return {
    translateOffsets(call, callback) {
      const { flow, group } = call.request;
      const name = flowName(flow);
      Promise.resolve()
        .then(async (): Promise<TranslateOffsetsResponse> => {
          if (!flow?.source || !flow.target) throw new CallError(grpc.status.INVALID_ARGUMENT, 'flow.source and flow.target are required');
          if (!group) throw new CallError(grpc.status.INVALID_ARGUMENT, 'group is required');
          const tooLong = groupIdProblem(group);
          if (tooLong !== undefined) throw new CallError(grpc.status.INVALID_ARGUMENT, tooLong);
          const unit = source.unitFor(name);
          if (!unit) {
            const why = source.whyNoUnit(name);
            throw new CallError(why.code, why.message);
          }
          return { offsets: await unit.translate(group) };
        })
        .then(
          (response) => callback(null, response),
          (err: unknown) => {
            const status = toStatus(err);
            if (status.code === grpc.status.INTERNAL) log.error({ flow: name, group, err: (err as Error).message }, 'TranslateOffsets failed');
            callback(status, null);
          },
        );
    },
    translateToSource(call, callback) {
      const { flow, positions } = call.request;
      const name = flowName(flow);
      Promise.resolve()
        .then((): TranslateToSourceResponse => {
          if (!flow?.source || !flow.target) throw new CallError(grpc.status.INVALID_ARGUMENT, 'flow.source and flow.target are required');
          const unit = source.unitFor(name);
          if (!unit) {
            const why = source.whyNoUnit(name);
            throw new CallError(why.code, why.message);
          }
          return { positions: unit.translateToSource(positions) };
        })
        .then(
          (response) => callback(null, response),
          (err: unknown) => {
            const status = toStatus(err);
            if (status.code === grpc.status.INTERNAL) log.error({ flow: name, err: (err as Error).message }, 'TranslateToSource failed');
            callback(status, null);
          },
        );
    },
  };
}
