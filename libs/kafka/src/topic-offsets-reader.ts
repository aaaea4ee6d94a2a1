/**
 * The log start and end offsets of many topics at once: one Metadata request for their leaders,
 * then one ListOffsets request per leader for each end. kafkajs's admin answers one topic per call
 * (describe, then two ListOffsets, and a refresh of the metadata of every topic it was ever asked
 * about whenever a new one comes): a flow watching thousands of topics every few seconds made
 * thousands of requests per round, and more as topics were added.
 *
 * Each topic gets its own answer: the offsets of all of its partitions, or the error that concerns
 * it (TOPIC_NOT_FOUND when the cluster does not know it; PARTITION_NOT_FOUND, retriable, when a
 * partition has no leader just now), so one deleted or moving topic does not fail the others.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { decode as decodeListOffsetsV2 } from 'kafkajs/src/protocol/requests/listOffsets/v2/response';
import type { PartitionOffsets } from './admin-port';
import { listOffsetsRequestV2 } from './list-offsets-request';
import type { KafkaClient } from './connection';
import { KafkaError, toKafkaError } from './errors';
import { connectCluster, type InternalCluster } from './kafkajs-cluster';
import { lookUpLeaders, UNKNOWN_TOPIC_OR_PARTITION } from './partition-leaders';
import { partitionKey } from './start-offsets';

/** ListOffsets v2 (the first with an isolation level) asks read_committed: the end is the last stable offset, as kafkajs's admin reads it. */
const READ_COMMITTED = 1;
/** Kafka's LEADER_NOT_AVAILABLE, as the metadata answers for a topic whose leaders are being elected. */
const LEADER_NOT_AVAILABLE = 5;
const EARLIEST = '-2';
const LATEST = '-1';

interface ListOffsetsAnswer {
  responses: Array<{ topic: string; partitions: Array<{ partition: number; errorCode: number; offset: string }> }>;
}

export type TopicOffsets = Map<number, PartitionOffsets> | KafkaError;

export class TopicOffsetsReader {
  private cluster: Promise<InternalCluster> | undefined;
  private closed = false;

  constructor(private readonly client: KafkaClient) {}

  /** Offsets (or the error) of each topic asked for; a failure that concerns them all throws. */
  async read(topics: readonly string[]): Promise<Map<string, TopicOffsets>> {
    const result = new Map<string, TopicOffsets>();
    const names = [...new Set(topics)];
    if (names.length === 0) return result;
    const cluster = await this.connected();
    let leaders;
    try {
      leaders = await lookUpLeaders(cluster, names, this.client.clusterAlias);
    } catch (err) {
      await this.dropConnection();
      throw toKafkaError(err, this.context('look up the leaders of the topics to list offsets of'));
    }
    const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
    const partitionCounts = new Map<string, number>();
    for (const t of leaders) {
      partitionCounts.set(t.topic, t.partitions);
      if (t.errorCode !== 0) {
        result.set(t.topic, this.topicError(t.topic, t.errorCode));
        continue;
      }
      result.set(t.topic, new Map());
      for (const [partition, leader] of t.leaders) {
        const list = byLeader.get(leader) ?? [];
        list.push({ topic: t.topic, partition });
        byLeader.set(leader, list);
      }
    }
    let brokerFailed = false;
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        try {
          const broker = await cluster.findBroker({ nodeId: String(leader) });
          const [earliest, latest] = await Promise.all([EARLIEST, LATEST].map((timestamp) => listOffsets(broker, partitions, timestamp)));
          this.merge(result, earliest, latest);
        } catch (err) {
          brokerFailed = true;
          const error = toKafkaError(err, this.context(`list offsets on broker ${leader}`));
          for (const { topic } of partitions) result.set(topic, error);
        }
      }),
    );
    // A leader this connection does not know (a broker added since): learn the brokers again, as the
    // fetcher does, without cutting off other reads on the connection.
    if (brokerFailed) await cluster.refreshMetadata().catch(() => undefined);
    // A topic is answered whole or not at all: a partition left out would read as missing.
    for (const [topic, offsets] of result) {
      const expected = partitionCounts.get(topic) ?? 0;
      if (!(offsets instanceof Map) || offsets.size === expected) continue;
      const missing = Array.from({ length: expected }, (_, p) => p).filter((p) => !offsets.has(p));
      result.set(
        topic,
        new KafkaError('PARTITION_NOT_FOUND', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': partition(s) ${missing.join(', ')} have no leader or answered an error just now`, {
          retriable: true,
          protocolError: 'LEADER_NOT_AVAILABLE',
        }),
      );
    }
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dropConnection();
  }

  private merge(result: Map<string, TopicOffsets>, earliest: ListOffsetsAnswer, latest: ListOffsetsAnswer): void {
    const starts = new Map<string, bigint>();
    for (const r of earliest.responses) for (const p of r.partitions) if (p.errorCode === 0) starts.set(partitionKey(r.topic, p.partition), BigInt(p.offset));
    for (const r of latest.responses) {
      for (const p of r.partitions) {
        const offsets = result.get(r.topic);
        if (!(offsets instanceof Map)) continue;
        if (p.errorCode !== 0) {
          // A leader that moved or a topic being deleted: the topic is answered with an error below.
          if (p.errorCode === UNKNOWN_TOPIC_OR_PARTITION) result.set(r.topic, this.topicError(r.topic, p.errorCode));
          continue;
        }
        const start = starts.get(partitionKey(r.topic, p.partition));
        if (start !== undefined) offsets.set(p.partition, { earliest: start, latest: BigInt(p.offset) });
      }
    }
  }

  private topicError(topic: string, errorCode: number): KafkaError {
    if (errorCode === UNKNOWN_TOPIC_OR_PARTITION) {
      return new KafkaError('TOPIC_NOT_FOUND', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': the topic does not exist`, { retriable: true });
    }
    if (errorCode === LEADER_NOT_AVAILABLE) {
      // A topic created a moment ago: as a partition without a leader, looked at again by callers.
      return new KafkaError('PARTITION_NOT_FOUND', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': its partitions have no leader yet`, {
        retriable: true,
        protocolError: 'LEADER_NOT_AVAILABLE',
      });
    }
    return new KafkaError('UNKNOWN', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': metadata error code ${errorCode}`, { retriable: true });
  }

  private context(operation: string) {
    return { operation, cluster: this.client.clusterAlias, principal: this.client.principal };
  }

  private connected(): Promise<InternalCluster> {
    if (this.closed) return Promise.reject(new KafkaError('CLOSED', `list offsets on cluster '${this.client.clusterAlias}': the reader is closed`));
    this.cluster ??= connectCluster(this.client, 'offsets cannot be listed').catch((err: unknown) => {
      this.cluster = undefined;
      throw toKafkaError(err, this.context('connect to list offsets'));
    });
    return this.cluster;
  }

  /** The next read connects again (its brokers may have changed). */
  private async dropConnection(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = undefined;
    const connected = await cluster?.catch(() => undefined);
    await connected?.disconnect().catch(() => undefined);
  }
}

function listOffsets(
  broker: Awaited<ReturnType<InternalCluster['findBroker']>>,
  partitions: ReadonlyArray<{ topic: string; partition: number }>,
  timestamp: string,
): Promise<ListOffsetsAnswer> {
  const topics = new Map<string, Array<{ partition: number; timestamp: string }>>();
  for (const { topic, partition } of partitions) {
    const list = topics.get(topic) ?? [];
    list.push({ partition, timestamp });
    topics.set(topic, list);
  }
  const request = listOffsetsRequestV2(READ_COMMITTED, [...topics].map(([topic, list]) => ({ topic, partitions: list })));
  // The answer is read per partition here: kafkajs's own parse throws on the first partition error.
  return broker.connectionPool.send<ListOffsetsAnswer>({ request, response: { decode: decodeListOffsetsV2, parse: async (d) => d as ListOffsetsAnswer } });
}
