/**
 * Leaders of every partition of some topics, from one Metadata request to any broker. kafkajs's
 * own metadata cache throws on the first topic error and keeps asking for every topic it was ever
 * told about (so one deleted topic fails them all); this answers per topic instead.
 */
import metadataRequests from 'kafkajs/src/protocol/requests/metadata';
import { KafkaError } from './errors';
import type { InternalCluster } from './kafkajs-cluster';

interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
}

interface MetadataAnswer {
  topicMetadata: Array<{ topicErrorCode: number; topic: string; partitionMetadata: PartitionMetadata[] }>;
}

/** Kafka's UNKNOWN_TOPIC_OR_PARTITION. */
export const UNKNOWN_TOPIC_OR_PARTITION = 3;
/** Kafka's REPLICA_NOT_AVAILABLE: a follower is down; the leader serves. */
const REPLICA_NOT_AVAILABLE = 9;

export interface TopicLeaders {
  readonly topic: string;
  /** Kafka's error code for the topic; 0 when it was found. */
  readonly errorCode: number;
  /** Partition → leader broker id; partitions without a leader now are left out. */
  readonly leaders: ReadonlyMap<number, number>;
  /** How many partitions the topic has, with or without a leader (0 when it was not found). */
  readonly partitions: number;
}

export async function lookUpLeaders(cluster: InternalCluster, topics: readonly string[], clusterAlias: string): Promise<TopicLeaders[]> {
  if (topics.length === 0) return [];
  const { request, response } = metadataRequests.protocol({ version: 6 })({ topics: [...topics], allowAutoTopicCreation: false });
  const answer = await cluster.brokerPool.withBroker(({ broker }) =>
    broker.connectionPool.send<MetadataAnswer>({ request, response: { decode: response.decode, parse: async (d) => d as MetadataAnswer } }),
  );
  if (!answer) throw new KafkaError('UNREACHABLE', `no broker of cluster '${clusterAlias}' answered a Metadata request`, { retriable: true });
  return answer.topicMetadata.map((t) => {
    const leaders = new Map<number, number>();
    if (t.topicErrorCode === 0) {
      for (const p of t.partitionMetadata) {
        if ((p.partitionErrorCode === 0 || p.partitionErrorCode === REPLICA_NOT_AVAILABLE) && p.leader >= 0) leaders.set(p.partitionId, p.leader);
      }
    }
    return { topic: t.topic, errorCode: t.topicErrorCode, leaders, partitions: t.topicErrorCode === 0 ? t.partitionMetadata.length : 0 };
  });
}
