import { CLUSTER_CALL_CAUSES, clusterFailureDescriber, UNIT_SETUP_CAUSES, type UnitFailure } from '@mirrormaker/service-kit';

/** What the service does on the clusters; each names the ACL it needs (on the topics) and why. */
export const TOPIC_SYNC_ACTIONS = {
  'list topics': { operation: 'DESCRIBE', resource: 'topic', purpose: 'find the topics to mirror' },
  'describe topics': { operation: 'DESCRIBE', resource: 'topic', purpose: 'compare partition counts' },
  'describe topic configs': { operation: 'DESCRIBE_CONFIGS', resource: 'topic', purpose: 'compare topic configs' },
  'create topic': { operation: 'CREATE', resource: 'topic', purpose: 'create the topic' },
  'create partitions': { operation: 'ALTER', resource: 'topic', purpose: 'add the partitions the source gained' },
  'alter topic configs': { operation: 'ALTER_CONFIGS', resource: 'topic', purpose: 'sync the topic configs' },
} as const;
export type TopicSyncAction = keyof typeof TOPIC_SYNC_ACTIONS;

/** Every cause a `topics/<flow>` unit reports (ErrorReport.cause, `mirrormaker_unit_failures_total`). */
export const TOPIC_SYNC_CAUSES = [...CLUSTER_CALL_CAUSES, ...UNIT_SETUP_CAUSES] as const;
export type TopicSyncCause = (typeof TOPIC_SYNC_CAUSES)[number];

export type TopicSyncFailure = UnitFailure<TopicSyncCause, TopicSyncAction>;

/** Turns an error thrown by a cluster call into a one-line explanation and a retry decision. */
export const describeFailure = clusterFailureDescriber(TOPIC_SYNC_ACTIONS);
