import type { TopicPartitionKey } from '@mirrormaker/offset-translation';

/**
 * Lag of a consumer group on the target, per partition: the partition's end offset minus the
 * group's committed offset (never negative). Partitions without a committed offset or without a
 * known end offset have no lag entry.
 */
export function consumerGroupLag(
  committed: ReadonlyMap<TopicPartitionKey, bigint | null>,
  endOffsets: ReadonlyMap<TopicPartitionKey, bigint>,
): Map<TopicPartitionKey, bigint> {
  const lag = new Map<TopicPartitionKey, bigint>();
  for (const [key, offset] of committed) {
    const end = endOffsets.get(key);
    if (offset === null || end === undefined) continue;
    lag.set(key, end > offset ? end - offset : 0n);
  }
  return lag;
}
