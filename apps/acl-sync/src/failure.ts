import { isKafkaError, type KafkaErrorCode } from '@mirrormaker/kafka';

/** What the service was doing; each names the ACL it needs and why it does it. */
export const SYNC_ACTIONS = {
  'describe ACLs': { operation: 'DESCRIBE', purpose: 'read the ACLs' },
  'create ACLs': { operation: 'ALTER', purpose: 'create the ACLs of the remote topics' },
} as const;
export type SyncAction = keyof typeof SYNC_ACTIONS;

export interface FailureContext {
  action: SyncAction;
  /** Cluster alias the call went to. */
  cluster: string;
  /** The principal the cluster sees, e.g. User:alice; unknown for TLS client certificates. */
  principal?: string;
}

export interface Failure {
  /** Machine-readable, for ErrorReport.cause and the errors metric label. */
  cause: string;
  /** What went wrong and what to do, in one line. */
  message: string;
  /** The same call may succeed later with nobody changing anything (broker down, timeout). */
  retriable: boolean;
  /** Every further call to the cluster would fail the same way. */
  clusterWide: boolean;
  /** `setup` for problems before any call (unknown flow, bad credentials), `run` for unexpected ones. */
  action: SyncAction | 'setup' | 'run';
  topic?: string;
}

const CLUSTER_WIDE: ReadonlySet<KafkaErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT', 'AUTHENTICATION_FAILED', 'CLOSED', 'INCOMPATIBLE_CLIENT']);

/** Turns an error thrown by a cluster call into a one-line explanation and a retry decision. */
export function describeFailure(error: unknown, ctx: FailureContext): Failure {
  const { action, cluster } = ctx;
  if (isKafkaError(error)) {
    if (error.code === 'AUTHORIZATION_FAILED') {
      const who = ctx.principal ? `principal ${ctx.principal}` : `the principal used for cluster '${cluster}'`;
      const need = SYNC_ACTIONS[action];
      return {
        action,
        cause: 'AUTHORIZATION_FAILED',
        message: `${who} lacks ${need.operation} on cluster '${cluster}' (needed to ${need.purpose}); grant it with an ACL`,
        retriable: false,
        clusterWide: true,
      };
    }
    if (error.code === 'UNREACHABLE' || error.code === 'TIMEOUT') {
      return { action, cause: error.code, message: `cluster '${cluster}' did not answer (${action}): ${error.message}`, retriable: true, clusterWide: true };
    }
    return {
      action,
      cause: error.code,
      message: `${action} failed on cluster '${cluster}': ${error.message}`,
      retriable: error.retriable,
      clusterWide: CLUSTER_WIDE.has(error.code) || error.code === 'SECURITY_DISABLED',
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { action, cause: 'INTERNAL', message: `${action} failed unexpectedly on cluster '${cluster}': ${detail}`, retriable: false, clusterWide: true };
}

/** A failed call with its explanation, thrown through the run so the loop can decide what next. */
export class SyncFailure extends Error {
  constructor(
    readonly failure: Failure,
    /** The Kafka error code behind it, if any. */
    readonly code: string | undefined,
  ) {
    super(failure.message);
    this.name = 'SyncFailure';
  }
}

export function isSyncFailure(error: unknown): error is SyncFailure {
  return error instanceof SyncFailure;
}
