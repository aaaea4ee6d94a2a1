export {
  OFFSET_TRANSLATION_ERROR_CODES,
  OffsetTranslationError,
  isOffsetTranslationError,
  type OffsetTranslationErrorCode,
} from './errors';
export {
  parseTopicPartitionKey,
  topicPartitionKey,
  type TopicPartition,
  type TopicPartitionKey,
} from './topic-partition';
export { PartitionSyncState } from './partition-sync-state';
export {
  DEFAULT_MAX_IN_FLIGHT_SYNCS,
  DEFAULT_MAX_OFFSET_LAG,
  OffsetSyncWriterState,
  type OffsetSyncWriterOptions,
  type QueuedAs,
} from './offset-sync-writer-state';
export { OffsetSyncStore, SYNC_SLOTS, type Translation, type TranslationMethod } from './offset-sync-store';
export { downstreamEndOf, type OffsetSegment } from './offset-segment';
export { OffsetSegmentTracker } from './offset-segment-tracker';
export { OffsetSegmentStore, type SegmentTranslation } from './offset-segment-store';
export { decodeOffsetSegments, encodeOffsetSegments } from './offset-segment-codec';
export { ExactTranslator } from './exact-translator';
export { reReadEstimate } from './re-read-estimate';
export type { OffsetAndMetadata } from './offset-and-metadata';
export { CheckpointStore } from './checkpoint-store';
export {
  checkpointsForGroup,
  shouldEmitCheckpoint,
  type CheckpointsForGroupInput,
  type DownstreamTranslator,
} from './checkpoint-emission';
export { checkpointTopicRenamer, type CheckpointRenamePolicy } from './checkpoint-topic-renamer';
export {
  planGroupOffsetSync,
  type ConsumerGroupState,
  type GroupOffsetSyncInput,
  type GroupOffsetSyncPlan,
  type TargetGroup,
} from './group-offset-sync';
