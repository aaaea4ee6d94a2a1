/**
 * Test support for the real-broker tests: plays the data mirror's part (copies records and writes
 * offset syncs by MM2's rule) so offset-sync can be tested on its own.
 */
import { createLogger, type Logger } from '@mirrormaker/observability';
import { KafkaProducer, PartitionConsumer, createKafkaClient, type KafkaAdmin, type KafkaClient, type ProducerRecord } from '@mirrormaker/kafka';
import { decodeCheckpoint, encodeOffsetSync, type Checkpoint, type OffsetSync } from '@mirrormaker/mm2-formats';
import { OffsetSyncStore, OffsetSyncWriterState } from '@mirrormaker/offset-translation';
import { PartitionFollower } from '../partition-follower';

export const testLogger: Logger = createLogger({ service: 'offset-sync-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });

export function clientFor(alias: string, bootstrap: string, clientId: string): KafkaClient {
  return createKafkaClient({ clusterAlias: alias, brokers: [bootstrap], clientId, retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } }, testLogger);
}

export const valueOf = (i: number): Buffer => Buffer.from(`record-${i}`);
export const indexOf = (value: Buffer | null): number => Number(value!.toString('utf8').slice('record-'.length));

/** Writes `count` records `record-0` … to partition 0 of `topic`. */
export async function produceRecords(client: KafkaClient, topic: string, count: number): Promise<void> {
  const producer = new KafkaProducer(client, { idempotent: true });
  try {
    for (let start = 0; start < count; start += 1000) {
      const records: ProducerRecord[] = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) records.push({ partition: 0, key: null, value: valueOf(i) });
      await producer.send(topic, records);
    }
  } finally {
    await producer.close();
  }
}

export interface CopyResult {
  /** Every sync the mirror decided to send, in order. */
  readonly syncs: OffsetSync[];
}

/**
 * Copies partition 0 of `sourceTopic` (records 0 … count-1) to partition 0 of `remoteTopic` with a
 * plain producer, deciding offset syncs from the acknowledged offsets with MM2's rule
 * (`offset.lag.max`), and promoting delayed syncs, like an offset flush, after each offset in
 * `flushAfter` and at the end.
 */
export async function copyWithOffsetSyncs(options: {
  readonly source: KafkaClient;
  readonly target: KafkaClient;
  readonly sourceTopic: string;
  readonly remoteTopic: string;
  readonly count: number;
  readonly maxOffsetLag: bigint;
  readonly flushAfter: readonly bigint[];
}): Promise<CopyResult> {
  const writer = new OffsetSyncWriterState({ maxOffsetLag: options.maxOffsetLag });
  const syncs: OffsetSync[] = [];
  const drain = () => {
    for (const sync of writer.takePendingSyncs()) {
      syncs.push(sync);
      writer.sendCompleted();
    }
  };
  const producer = new KafkaProducer(options.target);
  let copied = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = new PartitionConsumer(options.source, {
    concurrency: 1,
    handler: async (batch) => {
      const base = (await producer.send(
        options.remoteTopic,
        batch.records.map((r) => ({ partition: 0, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp })),
      )).get(0)!;
      batch.records.forEach((record, i) => {
        writer.maybeQueueOffsetSync({ topic: options.sourceTopic, partition: 0 }, record.offset, base + BigInt(i));
        drain();
        if (options.flushAfter.includes(record.offset)) {
          writer.promoteDelayedSyncs();
          drain();
        }
      });
      copied += batch.records.length;
      if (copied >= options.count) done();
    },
  });
  try {
    await consumer.addPartitions([{ topic: options.sourceTopic, partition: 0, offset: 0n }]);
    await finished;
  } finally {
    await consumer.close();
    await producer.close();
  }
  writer.promoteDelayedSyncs();
  drain();
  return { syncs };
}

/** Writes syncs to partition 0 of the offset-syncs topic in MM2's format. */
export async function writeOffsetSyncs(client: KafkaClient, topic: string, syncs: readonly OffsetSync[]): Promise<void> {
  const producer = new KafkaProducer(client);
  try {
    await producer.send(
      topic,
      syncs.map((sync) => ({ partition: 0, ...encodeOffsetSync(sync) })),
    );
  } finally {
    await producer.close();
  }
}

/** What MM2's translation gives for `upstream` after reading `syncs`. */
export function expectedTranslation(syncs: readonly OffsetSync[], upstream: bigint): { downstream: bigint; syncUpstream: bigint } {
  const store = new OffsetSyncStore({ initializationMustReadToEnd: false });
  for (const sync of syncs) store.applySync(sync);
  store.completeInitialLoad();
  const result = store.translateDownstream(syncs[0]!, upstream);
  if (result.kind !== 'ok' || result.method !== 'offset-syncs') throw new Error(`offset ${upstream} does not translate by MM2's rule: ${result.kind}`);
  return { downstream: result.downstream, syncUpstream: result.sync.upstreamOffset };
}

/** Every record of the checkpoints topic, decoded, in topic order. */
export async function readCheckpoints(client: KafkaClient, topic: string): Promise<Array<Checkpoint & { timestamp: bigint }>> {
  const result: Array<Checkpoint & { timestamp: bigint }> = [];
  const follower = await PartitionFollower.start({
    client,
    topic,
    logger: testLogger,
    onRecords: (records) => {
      for (const r of records) if (r.key && r.value) result.push({ ...decodeCheckpoint(r.key, r.value), timestamp: r.timestamp });
    },
  });
  try {
    await follower.caughtUp;
  } finally {
    await follower.close();
  }
  return result;
}

/** The group's committed offset on partition 0 of `topic`, or undefined. */
export async function committedOffset(admin: KafkaAdmin, group: string, topic: string): Promise<bigint | undefined> {
  return (await admin.fetchCommittedOffsets(group, [topic])).get(topic)?.get(0)?.offset;
}

/**
 * A consumer of `group` on partition 0 of `topic` that starts where the group's committed offset
 * says (as any consumer of the group would) and reads to `endOffset`. While it reads, the group
 * has a member. Returns the record values read, in order.
 */
export async function consumeAsGroup(client: KafkaClient, group: string, topic: string, from: bigint, endOffset: bigint): Promise<Buffer[]> {
  const values: Buffer[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  if (from >= endOffset) return values;
  const consumer = new PartitionConsumer(client, {
    groupId: group,
    handler: async (batch) => {
      for (const r of batch.records) values.push(r.value!);
      if (batch.records[batch.records.length - 1]!.offset + 1n >= endOffset) done();
    },
  });
  try {
    await consumer.addPartitions([{ topic, partition: 0, offset: from }]);
    await finished;
  } finally {
    await consumer.close();
  }
  return values;
}

/** Keeps a member in `group` (state STABLE on the broker) until `close`. */
export async function activeMember(client: KafkaClient, group: string, topic: string): Promise<{ status(): string; close(): Promise<void> }> {
  const consumer = new PartitionConsumer(client, { groupId: group, handler: async () => undefined });
  await consumer.addPartitions([{ topic, partition: 0, offset: 'latest' }]);
  return { status: () => consumer.status(), close: () => consumer.close() };
}

