import { isKafkaError, type KafkaErrorCode } from '@mirrormaker/kafka';
import { isReplicationPolicyError } from '@mirrormaker/replication-policy';

/** What the service was doing; each names the ACL it needs and why it does it. */
export const SYNC_ACTIONS = {
  'list topics': { operation: 'DESCRIBE', resource: 'topic', purpose: 'find the topics to mirror' },
  'describe topics': { operation: 'DESCRIBE', resource: 'topic', purpose: 'compare partition counts' },
  'describe topic configs': { operation: 'DESCRIBE_CONFIGS', resource: 'topic', purpose: 'compare topic configs' },
  'create topic': { operation: 'CREATE', resource: 'topic', purpose: 'create the topic' },
  'create partitions': { operation: 'ALTER', resource: 'topic', purpose: 'add the partitions the source gained' },
  'alter topic configs': { operation: 'ALTER_CONFIGS', resource: 'topic', purpose: 'sync the topic configs' },
} as const;
export type SyncAction = keyof typeof SYNC_ACTIONS;

export interface FailureContext {
  action: SyncAction;
  /** Cluster alias the call went to. */
  cluster: string;
  /** The principal the cluster sees, e.g. User:alice; unknown for TLS client certificates. */
  principal?: string;
  topic?: string;
}

export interface Failure {
  /** Machine-readable, for ErrorReport.cause and the errors metric label. */
  cause: string;
  /** What went wrong and what to do, in one line. */
  message: string;
  /** The same call may succeed later with nobody changing anything (broker down, timeout). */
  retriable: boolean;
  /** Every further call to the cluster would fail the same way: end the run, retry with backoff. */
  clusterWide: boolean;
  /** `setup` for problems before any call (unknown flow, bad credentials), `run` for unexpected ones. */
  action: SyncAction | 'setup' | 'run';
  topic?: string;
}

const CLUSTER_WIDE: ReadonlySet<KafkaErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT', 'AUTHENTICATION_FAILED', 'CLOSED', 'INCOMPATIBLE_CLIENT']);

/** Turns an error thrown by a cluster call into a one-line explanation and a retry decision. */
export function describeFailure(error: unknown, ctx: FailureContext): Failure {
  const { action, cluster, topic } = ctx;
  const need = SYNC_ACTIONS[action];
  const on = topic === undefined ? '' : ` for topic '${topic}'`;
  const base = { action, ...(topic === undefined ? {} : { topic }) };
  if (isKafkaError(error)) {
    if (error.code === 'AUTHORIZATION_FAILED') {
      const who = ctx.principal ? `principal ${ctx.principal}` : `the principal used for cluster '${cluster}'`;
      const what =
        error.protocolError === 'CLUSTER_AUTHORIZATION_FAILED'
          ? `cluster '${cluster}'`
          : `${topic === undefined ? 'the topics' : `topic '${topic}'`} of cluster '${cluster}'`;
      return {
        ...base,
        cause: 'AUTHORIZATION_FAILED',
        message: `${who} lacks ${need.operation} on ${what} (needed to ${need.purpose}); grant it with an ACL`,
        retriable: false,
        clusterWide: false,
      };
    }
    if (error.code === 'UNREACHABLE' || error.code === 'TIMEOUT') {
      return {
        ...base,
        cause: error.code,
        message: `cluster '${cluster}' did not answer (${action}${on}): ${error.message}`,
        retriable: true,
        clusterWide: true,
      };
    }
    return {
      ...base,
      cause: error.code,
      message: `${action} failed${on} on cluster '${cluster}': ${error.message}`,
      retriable: error.retriable,
      clusterWide: CLUSTER_WIDE.has(error.code),
    };
  }
  if (isReplicationPolicyError(error)) {
    return { ...base, cause: error.code, message: `${action} failed${on} on cluster '${cluster}': ${error.message}`, retriable: false, clusterWide: false };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { ...base, cause: 'INTERNAL', message: `${action} failed unexpectedly${on} on cluster '${cluster}': ${detail}`, retriable: false, clusterWide: false };
}

/** A failed call with its explanation, thrown through the run so the loop can decide what next. */
export class SyncFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'SyncFailure';
  }
}

export function isSyncFailure(error: unknown): error is SyncFailure {
  return error instanceof SyncFailure;
}
