import { KAFKA_ERROR_CODES } from '@mirrormaker/kafka';
import { REPLICATION_POLICY_ERROR_CODES } from '@mirrormaker/replication-policy';

/**
 * Causes of a failed call to a cluster, as `describeClusterFailure` names them: the Kafka error
 * code (AUTHORIZATION_FAILED, UNREACHABLE, TIMEOUT, ...), the replication policy's error code, or
 * INTERNAL for anything unexpected. Apps spread this into their own closed list of causes.
 */
export const CLUSTER_CALL_CAUSES = [...KAFKA_ERROR_CODES, ...REPLICATION_POLICY_ERROR_CODES, 'INTERNAL'] as const;
export type ClusterCallCause = (typeof CLUSTER_CALL_CAUSES)[number];

/** Why a granted unit cannot run at all on this instance (its flow, its clients, its config). */
export const UNIT_SETUP_CAUSES = [
  /** The unit id does not parse, or names work of another service. */
  'BAD_UNIT',
  /** The unit's flow is not in this instance's config. */
  'UNKNOWN_FLOW',
  /** The flow is in the config but not enabled. */
  'FLOW_DISABLED',
  /** The flow's clusters have settings no client can be built from. */
  'BAD_CONNECTION',
] as const;
export type UnitSetupCause = (typeof UNIT_SETUP_CAUSES)[number];
