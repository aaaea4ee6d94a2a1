/**
 * kafkajs 2.2.4's internal cluster object (metadata and one connection pool per broker, with its
 * TLS and SASL already set up), for the requests this lib writes itself: group offset commits
 * without joining the group, Fetch with raw record sets, and pipelined idempotent Produce. The
 * version is pinned and checked at client creation; the factory is looked up by its symbol's
 * description and its absence is an INCOMPATIBLE_CLIENT error, never a crash.
 */
import { kafkaJsOf, type KafkaClient } from './connection';
import { KafkaError } from './errors';

const CREATE_CLUSTER = 'private:Kafka:createCluster';

/** What a request sent through a broker connection looks like to kafkajs. */
export interface WireRequest<T> {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown>; expectResponse?: () => boolean };
  response: { decode(raw: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<T> };
  requestTimeout?: number;
}

export interface InternalBroker {
  readonly nodeId: number;
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null }> }>;
  }): Promise<unknown>;
  readonly connectionPool: { send<T>(request: WireRequest<T>): Promise<T> };
  /** Throws the first partition error of the answer (a KafkaJSProtocolError). */
  produce(request: {
    topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence?: number; messages: readonly unknown[] }> }>;
    producerId?: string;
    producerEpoch?: number;
    acks: number;
    timeout: number;
  }): Promise<{ topics: Array<{ topicName: string; partitions: Array<{ partition: number; baseOffset: string }> }> }>;
  /** Without a transactional id: a producer id for an idempotent producer, from any broker. */
  initProducerId(request: { transactionalId?: string; transactionTimeout: number }): Promise<{ producerId: string; producerEpoch: number }>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findGroupCoordinator(request: { groupId: string }): Promise<InternalBroker>;
  findBroker(request: { nodeId: string | number }): Promise<InternalBroker>;
  /** Any connected broker, for requests that every broker answers (Metadata). */
  readonly brokerPool: { withBroker<T>(fn: (arg: { broker: InternalBroker; nodeId: string }) => Promise<T>): Promise<T> };
}

type ClusterFactory = (options: { allowAutoTopicCreation: boolean }) => InternalCluster;

export function clusterFactoryOf(client: KafkaClient, purpose: string): ClusterFactory {
  const kafka = kafkaJsOf(client);
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const factory = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw new KafkaError('INCOMPATIBLE_CLIENT', `the installed kafkajs has no internal cluster factory (this lib needs kafkajs 2.2.4): ${purpose}`);
  }
  return (factory as ClusterFactory).bind(kafka);
}

/** A connected internal cluster that knows the brokers (disconnected again if connecting fails). */
export async function connectCluster(client: KafkaClient, purpose: string): Promise<InternalCluster> {
  const created = clusterFactoryOf(client, purpose)({ allowAutoTopicCreation: false });
  try {
    await created.connect();
    await created.refreshMetadata(); // learns the brokers (no topics asked for)
  } catch (err) {
    await created.disconnect().catch(() => undefined);
    throw err;
  }
  return created;
}
