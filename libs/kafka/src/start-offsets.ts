/**
 * Where reading a set of partitions starts: checks each partition exists and turns 'earliest' and
 * 'latest' into offsets, for both partition readers (PartitionConsumer, PartitionFetcher).
 */
import type { KafkaAdmin } from './admin-port';
import { KafkaError } from './errors';
import type { PartitionStart } from './partition-consumer';

export const partitionKey = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/** The starts by partition key; refuses a partition given twice or already read, and a negative offset. */
export function newStarts(starts: readonly PartitionStart[], isAssigned: (key: string) => boolean): Map<string, PartitionStart> {
  const fresh = new Map<string, PartitionStart>();
  for (const s of starts) {
    const key = partitionKey(s.topic, s.partition);
    if (isAssigned(key) || fresh.has(key)) {
      throw new KafkaError('INVALID_CONFIG', `partition ${s.topic}-${s.partition} is already assigned (remove it first to move its position)`);
    }
    if (typeof s.offset === 'bigint' && s.offset < 0n) {
      throw new KafkaError('INVALID_CONFIG', `start offset of ${s.topic}-${s.partition} must be >= 0, 'earliest' or 'latest'`);
    }
    fresh.set(key, s);
  }
  return fresh;
}

/** The start offset of each partition, by `partitionKey`. */
export async function resolveStartOffsets(admin: KafkaAdmin, clusterAlias: string, starts: readonly PartitionStart[]): Promise<Map<string, bigint>> {
  const topics = [...new Set(starts.map((s) => s.topic))];
  const described = await admin.describeTopics(topics);
  for (const s of starts) {
    const d = described.get(s.topic);
    if (!d) {
      throw new KafkaError('TOPIC_NOT_FOUND', `consume topic '${s.topic}' on cluster '${clusterAlias}': the topic does not exist`, { retriable: true });
    }
    if (!Number.isInteger(s.partition) || s.partition < 0 || s.partition >= d.partitions) {
      throw new KafkaError('PARTITION_NOT_FOUND', `consume ${s.topic}-${s.partition} on cluster '${clusterAlias}': the topic has ${d.partitions} partition(s)`);
    }
  }
  const needOffsets = [...new Set(starts.filter((s) => typeof s.offset !== 'bigint').map((s) => s.topic))];
  const offsets = new Map<string, Awaited<ReturnType<KafkaAdmin['listOffsets']>>>();
  for (const topic of needOffsets) offsets.set(topic, await admin.listOffsets(topic));
  const result = new Map<string, bigint>();
  for (const s of starts) {
    let position: bigint;
    if (typeof s.offset === 'bigint') {
      position = s.offset;
    } else {
      const o = offsets.get(s.topic)?.get(s.partition);
      if (!o) throw new KafkaError('PARTITION_NOT_FOUND', `no offsets for ${s.topic}-${s.partition} on cluster '${clusterAlias}'`);
      position = s.offset === 'earliest' ? o.earliest : o.latest;
    }
    result.set(partitionKey(s.topic, s.partition), position);
  }
  return result;
}
