// Projects that compile this lib from its sources (apps, via the path mapping) need these ambient
// declarations of its untyped dependencies too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./untyped-modules.d.ts" />
// Before anything loads kafkajs: see the modules.
import './aborted-transactions-patch';
import './partition-grouping-patch';
import './request-queue-timer-patch';
/**
 * @mirrormaker/kafka: the only door to Kafka. Wraps kafkajs 2.2.4 (which nothing else imports)
 * behind ports that speak this project's types: offsets as bigint, headers as an ordered list,
 * enums by name, errors as KafkaError with a closed set of codes.
 */
export { createKafkaClient, SASL_MECHANISMS, SECURITY_PROTOCOLS } from './connection';
export type {
  KafkaClient,
  KafkaConnection,
  OAuthBearerCredentials,
  PasswordCredentials,
  RetryOptions,
  SaslCredentials,
  SaslMechanism,
  SecurityOptions,
  SecurityProtocol,
  TlsOptions,
} from './connection';

export { clientKeyMaterial, trustedCertificates } from './key-stores';
export type { ClientKeyMaterial, StoreType } from './key-stores';
export { looksLikeJavaKeyStore, readJavaKeyStore } from './java-keystore';
export type { JavaKeyStore, JksPrivateKeyEntry } from './java-keystore';
export type { ClientCredentials } from './oauth-token-source';

export { KAFKA_ERROR_CODES, KafkaError, isKafkaError, toKafkaError } from './errors';
export type { KafkaErrorCode, KafkaErrorContext } from './errors';

export { headersFromObject, orderedHeaders } from './headers';
export type { OrderedHeaders, RecordHeader } from './headers';

export { COMPRESSIONS } from './compression-codecs';
export type { Compression } from './compression-codecs';

export type { AclBindingFilter } from './acl-wire';

export { CONFIG_SOURCES } from './topic-config';
export type { ConfigEntry, ConfigSource, ConfigSynonym } from './topic-config';

export { GROUP_STATES, KafkaAdmin } from './admin-port';
export type { CommittedOffset, GroupDescription, GroupListing, GroupState, NewTopic, PartitionOffsets, TopicDescription } from './admin-port';

export { KafkaProducer } from './producer-port';
export type { Acks, ProducerOptions, ProducerRecord, SendOptions } from './producer-port';

export { PartitionConsumer } from './partition-consumer';
export { PartitionFetcher } from './partition-fetcher';
export { TopicOffsetsReader, type TopicOffsets } from './topic-offsets-reader';
export { MAX_IN_FLIGHT_PER_PARTITION, PipelinedBatchProducer } from './pipelined-batch-producer';
export type { BatchSendResult, PipelinedBatchProducerOptions } from './pipelined-batch-producer';
export { FetchBuffer } from './fetch-buffer';
export type { FetchedBatches, PartitionFetcherOptions, PartitionFetcherStatus } from './partition-fetcher';
export { codecOf, decodeFetchedBatches, isContiguous, valueBytesOf, withDecodedRecords } from './record-batches';
export { passthroughBlocker } from './batch-passthrough';
export type { PassthroughBlocker, PassthroughLimits } from './batch-passthrough';
export type { BatchCodec, RawRecordBatch } from './record-batches';
export type {
  ConsumedBatch,
  ConsumedRecord,
  IsolationLevel,
  PartitionConsumerOptions,
  PartitionConsumerStatus,
  PartitionStart,
  StartOffset,
  TopicPartition,
} from './partition-consumer';

export { IdleGroupOffsets } from './idle-group-offsets';
export type { GroupOffsetCommit } from './idle-group-offsets';
export { groupIdProblem, MAX_GROUP_ID_BYTES } from './group-id';
