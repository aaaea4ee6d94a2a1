import { topicPartitionKey, type OffsetAndMetadata, type TopicPartitionKey } from '@mirrormaker/offset-translation';

/** A committed offset as the admin client reports it (metadata may be absent). */
export interface CommittedOffsetView {
  readonly offset: bigint;
  readonly metadata: string | null;
}

/** A group as listed by a cluster. */
export interface GroupListingView {
  readonly groupId: string;
  readonly protocolType: string;
}

/**
 * Committed offsets per topic and partition, re-keyed by topic-partition. Absent metadata becomes
 * "" (what a Java client reads, and what a checkpoint carries).
 */
export function committedByPartition(
  committed: ReadonlyMap<string, ReadonlyMap<number, CommittedOffsetView>>,
): Map<TopicPartitionKey, OffsetAndMetadata> {
  const result = new Map<TopicPartitionKey, OffsetAndMetadata>();
  const topics = [...committed.keys()].sort();
  for (const topic of topics) {
    const partitions = [...committed.get(topic)!.entries()].sort(([a], [b]) => a - b);
    for (const [partition, { offset, metadata }] of partitions) {
      result.set(topicPartitionKey({ topic, partition }), { offset, metadata: metadata ?? '' });
    }
  }
  return result;
}

/**
 * Groups that may hold consumer offsets: consumer groups and groups that only store offsets
 * (empty protocol type), as a Java admin's consumer-group listing returns them. Connect workers'
 * groups and other protocols are left out.
 */
export function isConsumerGroupListing(listing: GroupListingView): boolean {
  return listing.protocolType === 'consumer' || listing.protocolType === '';
}
