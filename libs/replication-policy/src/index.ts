export { REPLICATION_POLICY_ERROR_CODES, ReplicationPolicyError, isReplicationPolicyError } from './errors';
export type { ReplicationPolicyErrorCode } from './errors';

export { HEARTBEATS_TOPIC } from './replication-policy';
export type { ReplicationPolicy } from './replication-policy';
export { DefaultReplicationPolicy } from './default-replication-policy';
export type { DefaultReplicationPolicyOptions } from './default-replication-policy';
export { IdentityReplicationPolicy } from './identity-replication-policy';
export type { IdentityReplicationPolicyOptions } from './identity-replication-policy';
export { createReplicationPolicy } from './create-replication-policy';
export type { ReplicationPolicyConfig } from './create-replication-policy';
export type { ReplicationFlow } from './replication-flow';
export { connectWorkerTopics } from './connect-worker-topics';
export type { ConnectWorkerTopics } from './connect-worker-topics';
export { offsetSegmentsTopicConfigs, offsetSegmentsTopicPlacement, offsetSyncsTopicPlacement } from './offset-syncs-topic';
export type { OffsetSyncsTopicLocation, OffsetSyncsTopicPlacement } from './offset-syncs-topic';

export { isCycle, shouldReplicateTopic } from './topic-replication';
export type { TopicReplicationRule } from './topic-replication';
export { checkpointTopicName } from './checkpoint-topic-name';
export { shouldCheckpointGroup } from './checkpoint-group-selection';
export type { CheckpointGroupSelection } from './checkpoint-group-selection';
export { partitionIncrease } from './partition-growth';

export { javaTrim, parseConfigList } from './config-list';
export type { PatternList } from './name-pattern';
export { DefaultTopicFilter, DEFAULT_TOPICS_INCLUDE, DEFAULT_TOPICS_EXCLUDE } from './topic-filter';
export type { TopicFilter, DefaultTopicFilterOptions } from './topic-filter';
export { DefaultGroupFilter, DEFAULT_GROUPS_INCLUDE, DEFAULT_GROUPS_EXCLUDE } from './group-filter';
export type { GroupFilter, DefaultGroupFilterOptions } from './group-filter';
export { DefaultConfigPropertyFilter, DEFAULT_CONFIG_PROPERTIES_EXCLUDE } from './config-property-filter';
export type { ConfigPropertyFilter, DefaultConfigPropertyFilterOptions } from './config-property-filter';

export { CONFIG_SOURCES, creationConfigs, incrementalConfigChanges, mergeForFullAlter } from './topic-config-diff';
export type { ConfigSource, TopicConfigChanges, TopicConfigEntry } from './topic-config-diff';

export { ACL_OPERATIONS, ACL_PATTERN_TYPES, ACL_PERMISSION_TYPES, ACL_RESOURCE_TYPES } from './acl-binding';
export type { AclBinding, AclOperation, AclPatternType, AclPermissionType, AclResourceType } from './acl-binding';
export { mapAclBinding, mapGroupAclBinding } from './acl-mapping';
export type { AclMappingContext } from './acl-mapping';

export { checkpointTopics, heartbeatTopics, remoteTopics, replicationHops, upstreamClusters } from './remote-cluster-utils';
