/** Reading a topic back in integration tests. */
import { PartitionConsumer, type ConsumedRecord, type KafkaClient } from '@mirrormaker/kafka';
import { eventually } from '@mirrormaker/testing';

/**
 * Reads partitions of a topic from the beginning until `done(records)` holds for the collected
 * records (per partition, in offset order), or the timeout passes.
 */
export async function readUntil(
  client: KafkaClient,
  topic: string,
  partitions: number[],
  done: (byPartition: Map<number, ConsumedRecord[]>) => boolean,
  timeoutMs = 30_000,
): Promise<Map<number, ConsumedRecord[]>> {
  const byPartition = new Map<number, ConsumedRecord[]>(partitions.map((p) => [p, []]));
  const consumer = new PartitionConsumer(client, {
    handler: async (batch) => {
      byPartition.get(batch.partition)!.push(...batch.records);
    },
    maxWaitTimeMs: 100,
    isolationLevel: 'read_committed',
  });
  try {
    // A cluster's first consumer group can find no coordinator while __consumer_offsets is created.
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.addPartitions(partitions.map((partition) => ({ topic, partition, offset: 'earliest' as const })));
        break;
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await eventually(`records of ${topic}`, () => done(byPartition), timeoutMs);
    return byPartition;
  } finally {
    await consumer.close();
  }
}
