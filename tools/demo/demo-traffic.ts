import { createKafkaClient, KafkaAdmin, KafkaProducer, type KafkaClient } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';

export const DEMO_TOPIC = 'demo.orders';
/** The remote name MM2's default replication policy gives the demo topic on the target. */
export const DEMO_REMOTE_TOPIC = `source.${DEMO_TOPIC}`;

function client(alias: string, bootstrap: string, logger: Logger): KafkaClient {
  return createKafkaClient({ clusterAlias: alias, brokers: [bootstrap], clientId: `demo-${alias}` }, logger);
}

async function totalRecords(admin: KafkaAdmin, topic: string): Promise<bigint> {
  if (!(await admin.listTopics()).includes(topic)) return 0n;
  let total = 0n;
  for (const offsets of (await admin.listOffsets(topic)).values()) total += offsets.latest - offsets.earliest;
  return total;
}

/** Produces demo orders on the source and reports how many have arrived on the target. */
export class DemoTraffic {
  private readonly sourceAdmin: KafkaAdmin;
  private readonly targetAdmin: KafkaAdmin;
  private readonly producer: KafkaProducer;
  private sent = 0;

  constructor(sourceBootstrap: string, targetBootstrap: string, logger: Logger) {
    const source = client('source', sourceBootstrap, logger);
    this.sourceAdmin = new KafkaAdmin(source);
    this.targetAdmin = new KafkaAdmin(client('target', targetBootstrap, logger));
    this.producer = new KafkaProducer(source, {});
  }

  async createTopic(): Promise<void> {
    await this.sourceAdmin.createTopics([{ name: DEMO_TOPIC, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '86400000' } }]);
    await this.producer.connect();
  }

  /** Sends `count` orders spread over the topic's partitions. */
  async produce(count: number): Promise<void> {
    const byPartition = new Map<number, { partition: number; key: Buffer; value: Buffer; headers: { key: string; value: Buffer }[] }[]>();
    for (let i = 0; i < count; i++) {
      const n = this.sent + i;
      const partition = n % 3;
      const records = byPartition.get(partition) ?? [];
      records.push({
        partition,
        key: Buffer.from(`order-${n}`),
        value: Buffer.from(JSON.stringify({ order: n, amount: (n * 7) % 100 })),
        headers: [{ key: 'origin', value: Buffer.from('demo') }],
      });
      byPartition.set(partition, records);
    }
    await this.producer.send(DEMO_TOPIC, [...byPartition.values()].flat());
    this.sent += count;
  }

  get produced(): number {
    return this.sent;
  }

  async mirrored(): Promise<bigint> {
    return totalRecords(this.targetAdmin, DEMO_REMOTE_TOPIC);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer.close(), this.sourceAdmin.close(), this.targetAdmin.close()]);
  }
}
