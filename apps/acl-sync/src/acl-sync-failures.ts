import { CLUSTER_CALL_CAUSES, clusterFailureDescriber, UNIT_SETUP_CAUSES, type UnitFailure } from '@mirrormaker/service-kit';

/** What the service does on the clusters; each names the ACL it needs (all on the cluster) and why. */
export const ACL_SYNC_ACTIONS = {
  'describe ACLs': { operation: 'DESCRIBE', resource: 'cluster', purpose: 'read the ACLs' },
  'create ACLs': { operation: 'ALTER', resource: 'cluster', purpose: 'create the ACLs of the remote topics' },
} as const;
export type AclSyncAction = keyof typeof ACL_SYNC_ACTIONS;

/** Every cause an `acls/<flow>` unit reports (ErrorReport.cause, `mirrormaker_unit_failures_total`). */
export const ACL_SYNC_CAUSES = [...CLUSTER_CALL_CAUSES, ...UNIT_SETUP_CAUSES] as const;
export type AclSyncCause = (typeof ACL_SYNC_CAUSES)[number];

export type AclSyncFailure = UnitFailure<AclSyncCause, AclSyncAction>;

/** Turns an error thrown by a cluster call into a one-line explanation and a retry decision. */
export const describeFailure = clusterFailureDescriber(ACL_SYNC_ACTIONS);
