/**
 * The one error type this lib throws. kafkajs errors never leave libs/kafka: `toKafkaError` turns
 * them into a `KafkaError` whose `code` callers branch on and whose message says what went wrong
 * and what to do about it.
 */

export const KAFKA_ERROR_CODES = [
  /** No broker answered (wrong address, broker down, network). */
  'UNREACHABLE',
  /** SASL handshake or credentials rejected. */
  'AUTHENTICATION_FAILED',
  /** The principal lacks an ACL for the operation. */
  'AUTHORIZATION_FAILED',
  'TOPIC_NOT_FOUND',
  /** The topic exists but not the partition (or the client's metadata does not know it yet). */
  'PARTITION_NOT_FOUND',
  'TOPIC_ALREADY_EXISTS',
  /** A partition count that cannot be applied (e.g. fewer partitions than the topic has). */
  'INVALID_PARTITIONS',
  /** A record or batch over the broker's or topic's size limit. */
  'RECORD_TOO_LARGE',
  /** Rejected configuration, option, replication factor or request. */
  'INVALID_CONFIG',
  /** A record this lib refuses to send (e.g. a negative timestamp). */
  'INVALID_RECORD',
  /** ACL operations on a cluster without an authorizer. */
  'SECURITY_DISABLED',
  /** A batch compressed with a codec this client cannot decode (zstd). */
  'UNSUPPORTED_COMPRESSION',
  /** Another producer with the same transactional id took over. */
  'PRODUCER_FENCED',
  /** A group offset commit refused because the group has members. */
  'GROUP_NOT_IDLE',
  /** The installed kafkajs is not the version this lib was written against. */
  'INCOMPATIBLE_CLIENT',
  'TIMEOUT',
  /** Used after close(), or before start() where starting is required. */
  'CLOSED',
  'UNKNOWN',
] as const;

export type KafkaErrorCode = (typeof KAFKA_ERROR_CODES)[number];

const BRAND = Symbol.for('mirrormaker.KafkaError');

/** Protocol errors (KafkaError.protocolError) after which a partition's leader may be another broker. */
export const STALE_LEADER_ERRORS: ReadonlySet<string> = new Set(['NOT_LEADER_FOR_PARTITION', 'NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH']);

const RETRIABLE_CODES: ReadonlySet<KafkaErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT', 'PARTITION_NOT_FOUND']);

export class KafkaError extends Error {
  readonly code: KafkaErrorCode;
  /** True when the same call may succeed later without anyone changing anything. */
  readonly retriable: boolean;
  /** The Kafka protocol error name when the broker reported one (e.g. TOPIC_AUTHORIZATION_FAILED). */
  readonly protocolError: string | undefined;
  readonly [BRAND] = true;

  constructor(
    code: KafkaErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean; protocolError?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KafkaError';
    this.code = code;
    this.retriable = options.retriable ?? RETRIABLE_CODES.has(code);
    this.protocolError = options.protocolError;
  }
}

/** Brand check that also works when several copies of this module are loaded (jest, bundles). */
export function isKafkaError(error: unknown, code?: KafkaErrorCode): error is KafkaError {
  if (typeof error !== 'object' || error === null || !(BRAND in error)) return false;
  return code === undefined || (error as KafkaError).code === code;
}

/** What was being done when an error happened; every field ends up in the message when known. */
export interface KafkaErrorContext {
  /** e.g. 'produce', 'describe topics', 'create ACLs'. */
  operation: string;
  /** Cluster alias from the connection. */
  cluster?: string;
  topic?: string;
  group?: string;
  transactionalId?: string;
  /** Principal the client authenticates as, e.g. 'User:alice'. */
  principal?: string;
}

/** The fields of kafkajs errors this mapper reads (kafkajs itself ships no error types). */
interface KafkaJsErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: number | string;
  retriable?: boolean;
  topic?: string;
  broker?: string;
  cause?: unknown;
  errors?: unknown[];
}

const AUTHORIZATION_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',
]);
const AUTHENTICATION_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM']);
const INVALID_CONFIG_TYPES = new Set([
  'INVALID_CONFIG',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUEST',
  'POLICY_VIOLATION',
  'INVALID_REQUIRED_ACKS',
  'INVALID_TRANSACTION_TIMEOUT',
  'UNSUPPORTED_VERSION',
]);
const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
]);
const TIMEOUT_NAMES = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSTimeout', 'KafkaJSLockTimeout']);
/**
 * Kafka error codes newer than kafkajs's table, which reports them as KAFKAJS_UNKNOWN_ERROR_CODE
 * with the number only in the message ("Unknown error code 90").
 */
const NUMERIC_CODE_TYPES: Record<number, string> = { 90: 'PRODUCER_FENCED', 120: 'TRANSACTION_ABORTABLE' };

function asErrorLike(value: unknown): KafkaJsErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as KafkaJsErrorLike) : undefined;
}

function protocolType(e: KafkaJsErrorLike): string | undefined {
  if (e.type === 'KAFKAJS_UNKNOWN_ERROR_CODE') {
    const code = /Unknown error code (-?\d+)/.exec(e.message ?? '')?.[1];
    return (code !== undefined && NUMERIC_CODE_TYPES[Number(code)]) || `UNKNOWN_ERROR_CODE_${code ?? '?'}`;
  }
  return typeof e.type === 'string' ? e.type : undefined;
}

/**
 * The most specific error in a kafkajs error chain: kafkajs wraps the broker's answer in retry
 * wrappers (`KafkaJSNumberOfRetriesExceeded`, `KafkaJSNonRetriableError`) via `cause`, and
 * createTopics reports per-topic errors in a `KafkaJSAggregateError`.
 */
function innermost(error: unknown): KafkaJsErrorLike | undefined {
  let current = asErrorLike(error);
  const seen = new Set<unknown>();
  while (current && !seen.has(current)) {
    seen.add(current);
    if (isKafkaError(current) || protocolType(current)) return current;
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      const first = current.errors.map(asErrorLike).find((e) => e && protocolType(e));
      if (first) return first;
    }
    const next = asErrorLike(current.cause);
    if (!next) return current;
    current = next;
  }
  return current;
}

function describeWhere(ctx: KafkaErrorContext): string {
  const parts = [ctx.operation];
  if (ctx.topic) parts.push(`topic '${ctx.topic}'`);
  if (ctx.group) parts.push(`group '${ctx.group}'`);
  if (ctx.transactionalId) parts.push(`transactional id '${ctx.transactionalId}'`);
  return `${parts.join(', ')}${ctx.cluster ? ` on cluster '${ctx.cluster}'` : ''}`;
}

function aclHint(type: string, ctx: KafkaErrorContext): string {
  const who = ctx.principal ?? 'the client principal';
  switch (type) {
    case 'TOPIC_AUTHORIZATION_FAILED':
      return `grant ${who} an ACL on TOPIC '${ctx.topic ?? '<topic>'}' for the operation (DESCRIBE to see it; WRITE to produce; READ to consume; CREATE, ALTER, DESCRIBE_CONFIGS or ALTER_CONFIGS for topic management)`;
    case 'GROUP_AUTHORIZATION_FAILED':
      return `grant ${who} READ (and DESCRIBE) on GROUP '${ctx.group ?? '<group>'}'`;
    case 'CLUSTER_AUTHORIZATION_FAILED':
      return `grant ${who} the cluster-level ACL for the operation (e.g. DESCRIBE or ALTER on CLUSTER for ACL management, CREATE on CLUSTER to create topics)`;
    case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
      return `grant ${who} WRITE and DESCRIBE on TRANSACTIONAL_ID '${ctx.transactionalId ?? '<id>'}'`;
    default:
      return `grant ${who} the missing ACL`;
  }
}

/**
 * Turns anything thrown by kafkajs (or by this lib's own code paths) into a `KafkaError` whose
 * message names the operation, the cluster, the cause and the fix. A `KafkaError` passes through
 * unchanged.
 */
export function toKafkaError(error: unknown, ctx: KafkaErrorContext): KafkaError {
  if (isKafkaError(error)) return error;
  const inner = innermost(error);
  if (inner && isKafkaError(inner)) return inner;
  const where = describeWhere(ctx);
  const type = inner ? protocolType(inner) : undefined;
  const name = inner?.name ?? asErrorLike(error)?.name ?? 'Error';
  const detail = inner?.message ?? (error instanceof Error ? error.message : String(error));
  const make = (code: KafkaErrorCode, message: string, retriable?: boolean) =>
    new KafkaError(code, message, { cause: error, protocolError: type, retriable });

  if (type) {
    if (AUTHORIZATION_TYPES.has(type)) {
      const topic = ctx.topic ?? inner?.topic;
      return make(
        'AUTHORIZATION_FAILED',
        `${where}: not authorized${ctx.principal ? ` as ${ctx.principal}` : ''} (${type}). Fix: ${aclHint(type, { ...ctx, topic })}.`,
      );
    }
    if (AUTHENTICATION_TYPES.has(type)) {
      return make(
        'AUTHENTICATION_FAILED',
        `${where}: the broker rejected the SASL authentication (${type}: ${detail}). Fix: check the mechanism, username and password of the cluster's security settings.`,
      );
    }
    if (type === 'SECURITY_DISABLED') {
      return make(
        'SECURITY_DISABLED',
        `${where}: the cluster has no authorizer, so it keeps no ACLs (SECURITY_DISABLED). Fix: set authorizer.class.name on the brokers, or turn ACL sync off for this cluster.`,
      );
    }
    if (type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE') {
      return make(
        'RECORD_TOO_LARGE',
        `${where}: the broker rejected a record or batch as too large (${type}). Fix: raise max.message.bytes on the topic (or message.max.bytes on the brokers) to at least the source's limit.`,
      );
    }
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') {
      return make(
        'TOPIC_NOT_FOUND',
        `${where}: the topic or partition does not exist (UNKNOWN_TOPIC_OR_PARTITION). Fix: create it first (topic-config-sync creates remote topics), or check the name.`,
        true,
      );
    }
    if (type === 'TOPIC_ALREADY_EXISTS') {
      return make('TOPIC_ALREADY_EXISTS', `${where}: the topic already exists (TOPIC_ALREADY_EXISTS).`);
    }
    if (type === 'INVALID_PARTITIONS') {
      return make(
        'INVALID_PARTITIONS',
        `${where}: the partition count was rejected (INVALID_PARTITIONS: ${detail}). Partition counts can only grow.`,
      );
    }
    if (INVALID_CONFIG_TYPES.has(type)) {
      return make('INVALID_CONFIG', `${where}: the broker rejected the request (${type}: ${detail}). Fix: correct the value named in the message.`);
    }
    if (type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH' || type === 'TRANSACTION_COORDINATOR_FENCED') {
      return make(
        'PRODUCER_FENCED',
        `${where}: another producer with the same transactional id took over (${type}); this producer must stop. Fix: close it; the new owner continues.`,
      );
    }
    if (type === 'UNSUPPORTED_COMPRESSION_TYPE') {
      return make(
        'UNSUPPORTED_COMPRESSION',
        `${where}: the broker does not accept the compression codec (${type}). Fix: use gzip, snappy or lz4.`,
      );
    }
    if (type === 'REQUEST_TIMED_OUT') {
      return make('TIMEOUT', `${where}: the broker did not finish the request in time (${type}). It may still complete; retry later.`, true);
    }
    return make(
      'UNKNOWN',
      `${where}: Kafka reported ${type}${detail && detail !== type ? ` (${detail})` : ''}.`,
      inner?.retriable ?? false,
    );
  }

  if (name === 'KafkaJSSASLAuthenticationError') {
    return make(
      'AUTHENTICATION_FAILED',
      `${where}: SASL authentication failed (${detail}). Fix: check the mechanism, username and password of the cluster's security settings.`,
    );
  }
  if (name === 'KafkaJSNotImplemented' && /zstd|snappy|lz4/i.test(detail)) {
    return make(
      'UNSUPPORTED_COMPRESSION',
      `${where}: ${detail}. This client decodes gzip, snappy and lz4 only; zstd-compressed batches cannot be read. Fix: have the producers of the source topic use gzip, snappy or lz4.`,
    );
  }
  if (name === 'KafkaJSMetadataNotLoaded' || name === 'KafkaJSTopicMetadataNotLoaded') {
    return make('TOPIC_NOT_FOUND', `${where}: no metadata for the topic (${detail}). Fix: check that the topic exists.`, true);
  }
  if (UNREACHABLE_NAMES.has(name) || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET/.test(detail)) {
    return make(
      'UNREACHABLE',
      `${where}: cannot reach the brokers (${detail}). Fix: check the bootstrap servers, the listener's security protocol and that the brokers are up.`,
    );
  }
  if (TIMEOUT_NAMES.has(name)) {
    return make('TIMEOUT', `${where}: timed out (${detail}). Retry later, or raise the request timeout.`);
  }
  return make('UNKNOWN', `${where}: ${name}: ${detail}`, inner?.retriable ?? false);
}
