// What the use-case scenarios share: clients on a named cluster, records that differ in every
// field a mirror must keep (key, value, headers, timestamp, partition), reading a topic whole, and
// the one-line summary each scenario prints.
import { createKafkaClient, KafkaAdmin, KafkaProducer, orderedHeaders, type ConsumedRecord, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { readUntil } from '@mirrormaker/service-kit/testing';
import { eventually, type ClusterConnection } from '@mirrormaker/testing';

const logger = createLogger({ service: 'use-cases', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });

/** A cluster under the alias a scenario gives it, with a client and an admin on it. */
export interface ScenarioCluster {
  alias: string;
  connection: ClusterConnection;
  client: KafkaClient;
  admin: KafkaAdmin;
}

export function scenarioCluster(alias: string, connection: ClusterConnection): ScenarioCluster {
  const client = createKafkaClient(
    { clusterAlias: alias, brokers: [connection.bootstrap], clientId: `use-case-${alias}`, retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } },
    logger,
  );
  return { alias, connection, client, admin: new KafkaAdmin(client) };
}

/** A record as a user compares it: every field as text, and where it sits. */
export interface SeenRecord {
  partition: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: string;
}

function seen(partition: number, r: ConsumedRecord): SeenRecord {
  return {
    partition,
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : r.value.toString('utf8'),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]),
    timestamp: r.timestamp.toString(),
  };
}

/**
 * Produces `count` records to `topic`, spread round-robin over `partitions`, each with its own key,
 * value, headers (a repeated key and a null value among them) and CreateTime; a few have a null
 * key or are tombstones. Resolves to the records in the order each partition holds them.
 */
export async function produceRecords(cluster: ScenarioCluster, topic: string, partitions: number, count: number, label: string): Promise<SeenRecord[]> {
  const baseTime = Date.now() - 3_600_000 + Math.floor(Math.random() * 1000);
  const records = Array.from({ length: count }, (_, i) => ({
    partition: i % partitions,
    key: i % 17 === 5 ? null : Buffer.from(`${label}-key-${i}`),
    value: i % 23 === 7 ? null : Buffer.from(`${label} record ${i}`),
    headers: orderedHeaders([
      ['origin', label],
      ['seq', String(i)],
      ['origin', `${cluster.alias}`],
      ['trace', i % 2 === 0 ? null : `t-${i}`],
    ]),
    timestamp: baseTime + i,
  }));
  const producer = new KafkaProducer(cluster.client, { idempotent: true });
  await producer.connect();
  try {
    await producer.send(topic, records);
  } finally {
    await producer.close();
  }
  const byPartition = (p: number) => records.filter((r) => r.partition === p);
  return Array.from({ length: partitions }, (_, p) =>
    byPartition(p).map((r) => ({
      partition: p,
      key: r.key === null ? null : r.key.toString('utf8'),
      value: r.value === null ? null : r.value.toString('utf8'),
      headers: r.headers.map((h): [string, string | null] => [h.key, h.value === null ? null : h.value.toString('utf8')]),
      timestamp: String(r.timestamp),
    })),
  ).flat();
}

/** Every record of every partition of `topic` once at least `count` are there, partition by partition, in offset order. */
export async function readTopic(cluster: ScenarioCluster, topic: string, count: number, timeoutMs = 60_000): Promise<SeenRecord[]> {
  await eventually(`${count} records in ${topic} on ${cluster.alias}`, async () => ((await recordsIn(cluster, topic)) ?? -1n) >= BigInt(count) || undefined, {
    timeoutMs,
    intervalMs: 500,
  });
  const partitions = [...(await cluster.admin.listOffsets(topic)).keys()].sort((x, y) => x - y);
  const total = (m: Map<number, ConsumedRecord[]>) => [...m.values()].reduce((n, rs) => n + rs.length, 0);
  const byPartition = await readUntil(cluster.client, topic, partitions, (m) => total(m) >= count, timeoutMs);
  return partitions.flatMap((p) => byPartition.get(p)!.map((r) => seen(p, r)));
}

/** Records with their offsets, for scenarios that follow consumer positions. */
export async function readPartition(cluster: ScenarioCluster, topic: string, partition: number, count: number, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const byPartition = await readUntil(cluster.client, topic, [partition], (m) => m.get(partition)!.length >= count, timeoutMs);
  return byPartition.get(partition)!;
}

/** Total of end minus start offsets over the topic's partitions, or undefined while it does not exist. */
export async function recordsIn(cluster: ScenarioCluster, topic: string): Promise<bigint | undefined> {
  if (!(await cluster.admin.listTopics()).includes(topic)) return undefined;
  return [...(await cluster.admin.listOffsets(topic)).values()].reduce((n, o) => n + (o.latest - o.earliest), 0n);
}

/** The one line a scenario prints when it passed its checks. */
export function summary(scenario: string, facts: Record<string, string | number | bigint | boolean>): void {
  process.stderr.write(`[use-case] ${scenario}: ${Object.entries(facts).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
}

export async function closeClusters(clusters: readonly ScenarioCluster[]): Promise<void> {
  await Promise.allSettled(clusters.map((c) => c.admin.close()));
}
