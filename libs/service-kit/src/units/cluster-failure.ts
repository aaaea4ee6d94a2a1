import { isKafkaError, type KafkaErrorCode } from '@mirrormaker/kafka';
import { isReplicationPolicyError } from '@mirrormaker/replication-policy';
import type { ClusterCallCause } from './unit-causes';
import type { UnitFailure } from './unit-failure';

/** What one kind of call needs from the cluster's authorizer, and why the unit makes it. */
export interface ActionNeed {
  /** The ACL operation, e.g. DESCRIBE_CONFIGS. */
  readonly operation: string;
  /** Where the ACL is checked: on the cluster (every call fails alike) or on each topic. */
  readonly resource: 'cluster' | 'topic';
  /** Completes "needed to …". */
  readonly purpose: string;
}

export interface ClusterCallContext<Action extends string> {
  action: Action;
  /** Cluster alias the call went to. */
  cluster: string;
  /** The principal the cluster sees, e.g. User:alice; unknown for TLS client certificates. */
  principal?: string;
  topic?: string;
}

/** Codes after which every further call to the cluster would fail the same way. */
const CLUSTER_WIDE: ReadonlySet<KafkaErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT', 'AUTHENTICATION_FAILED', 'CLOSED', 'INCOMPATIBLE_CLIENT', 'SECURITY_DISABLED']);

/**
 * The failure classifier of a unit that calls cluster admin APIs: given the app's table of actions
 * and the ACL each needs, turns an error thrown by a call into a one-line explanation (naming the
 * principal, the missing ACL and what it is for) with its cause and retry decision.
 */
export function clusterFailureDescriber<Action extends string>(needs: Readonly<Record<Action, ActionNeed>>) {
  return function describeFailure(error: unknown, ctx: ClusterCallContext<Action>): UnitFailure<ClusterCallCause, Action> {
    const { action, cluster, topic } = ctx;
    const need = needs[action];
    const on = topic === undefined ? '' : ` for topic '${topic}'`;
    const base = { action, ...(topic === undefined ? {} : { topic }) };
    if (isKafkaError(error)) {
      if (error.code === 'AUTHORIZATION_FAILED') {
        const who = ctx.principal ? `principal ${ctx.principal}` : `the principal used for cluster '${cluster}'`;
        const what =
          need.resource === 'cluster' || error.protocolError === 'CLUSTER_AUTHORIZATION_FAILED'
            ? `cluster '${cluster}'`
            : `${topic === undefined ? 'the topics' : `topic '${topic}'`} of cluster '${cluster}'`;
        return {
          ...base,
          cause: 'AUTHORIZATION_FAILED',
          message: `${who} lacks ${need.operation} on ${what} (needed to ${need.purpose}); grant it with an ACL`,
          retriable: false,
          clusterWide: need.resource === 'cluster',
        };
      }
      if (error.code === 'UNREACHABLE' || error.code === 'TIMEOUT') {
        return { ...base, cause: error.code, message: `cluster '${cluster}' did not answer (${action}${on}): ${error.message}`, retriable: true, clusterWide: true };
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
  };
}
