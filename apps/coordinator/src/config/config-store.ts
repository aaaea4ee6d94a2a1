import { KafkaAdmin, KafkaProducer, PartitionFetcher, withDecodedRecords, type KafkaClient } from '@mirrormaker/kafka';
import type { Logger, SkippedRecordReporter } from '@mirrormaker/observability';
import { CONFIG_RECORD_KEY, decodeRevision, encodeRevision, type ConfigRevision } from './config-revision';

/**
 * Config revisions in a compacted, single-partition topic on the home cluster. A revision is
 * acknowledged to the operator only after the write is acked by all in-sync replicas, so a
 * coordinator restart always finds the last accepted config.
 */
export class ConfigStore {
  private readonly admin: KafkaAdmin;
  private producer: KafkaProducer | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly topic: string,
    private readonly logger: Logger,
    /** Counts and logs records of the topic that are not revisions; the latest readable one wins. */
    private readonly skipped: SkippedRecordReporter,
    /** While replicas elect a leader: writes in the leader's transaction (a fenced replica then cannot write). */
    private readonly leaderWriter?: () => ((topic: string, records: { key: Buffer; value: Buffer }[]) => Promise<void>) | undefined,
  ) {
    this.admin = new KafkaAdmin(client);
  }

  async ensureTopic(): Promise<void> {
    const topics = await this.admin.listTopics();
    if (topics.includes(this.topic)) return;
    // -1: the broker's default.replication.factor, the one setting every production cluster tunes.
    await this.admin.createTopics([{ name: this.topic, partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } }]);
    this.logger.info({ topic: this.topic }, 'created the config topic');
  }

  /** The latest stored revision, or undefined when none was ever stored. */
  async latest(timeoutMs = 30_000): Promise<ConfigRevision | undefined> {
    const end = (await this.admin.listOffsets(this.topic)).get(0);
    if (!end || end.latest <= end.earliest) return undefined;
    let found: ConfigRevision | undefined;
    const consumer = new PartitionFetcher(this.client, {
      handler: withDecodedRecords(async (batch) => {
        for (const record of batch.records) {
          const where = { topic: batch.topic, partition: batch.partition, offset: record.offset };
          if (record.key === null || record.value === null) {
            this.skipped.skipped(where, 'no-key-or-value');
            continue;
          }
          const revision = record.key.toString('utf8') === CONFIG_RECORD_KEY ? decodeRevision(record.value) : undefined;
          if (revision === undefined) this.skipped.skipped(where, 'undecodable');
          found = revision ?? found;
        }
      }),
    });
    try {
      await consumer.addPartitions([{ topic: this.topic, partition: 0, offset: end.earliest }]);
      // The position, not the last record seen: revisions written in transactions end in a marker
      // that is never delivered as a record.
      const deadline = Date.now() + timeoutMs;
      while ((consumer.position(this.topic, 0) ?? -1n) < end.latest) {
        if (Date.now() > deadline) throw new Error(`reading config topic ${this.topic} did not reach its end within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await consumer.close();
    }
    return found;
  }

  async write(rev: ConfigRevision): Promise<void> {
    const asLeader = this.leaderWriter?.();
    if (asLeader) return asLeader(this.topic, [{ key: Buffer.from(CONFIG_RECORD_KEY), value: encodeRevision(rev) }]);
    if (!this.producer) {
      this.producer = new KafkaProducer(this.client, { idempotent: true });
      await this.producer.connect();
    }
    await this.producer.send(this.topic, [{ partition: 0, key: Buffer.from(CONFIG_RECORD_KEY), value: encodeRevision(rev) }], { acks: 'all' });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer?.close(), this.admin.close()]);
  }
}
