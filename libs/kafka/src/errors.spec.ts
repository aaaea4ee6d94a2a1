import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { createErrorFromCode } from 'kafkajs/src/protocol/error';
import { KafkaError, isKafkaError, toKafkaError } from './errors';

const ctx = { operation: 'produce', cluster: 'A', topic: 'orders', principal: 'User:alice' };

/** A protocol error as kafkajs raises it for a broker error code, wrapped like its retrier does. */
function fromBroker(code: number, wrap: 'none' | 'retries' | 'non-retriable' = 'none'): Error {
  const inner = createErrorFromCode(code);
  if (wrap === 'retries') return new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 100 });
  if (wrap === 'non-retriable') return Object.assign(new KafkaJSNonRetriableError(inner), { cause: inner });
  return inner;
}

describe('toKafkaError', () => {
  it.each([
    [29, 'TOPIC_AUTHORIZATION_FAILED', 'AUTHORIZATION_FAILED'],
    [30, 'GROUP_AUTHORIZATION_FAILED', 'AUTHORIZATION_FAILED'],
    [31, 'CLUSTER_AUTHORIZATION_FAILED', 'AUTHORIZATION_FAILED'],
    [53, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'AUTHORIZATION_FAILED'],
    [54, 'SECURITY_DISABLED', 'SECURITY_DISABLED'],
    [10, 'MESSAGE_TOO_LARGE', 'RECORD_TOO_LARGE'],
    [18, 'RECORD_LIST_TOO_LARGE', 'RECORD_TOO_LARGE'],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', 'TOPIC_NOT_FOUND'],
    [36, 'TOPIC_ALREADY_EXISTS', 'TOPIC_ALREADY_EXISTS'],
    [37, 'INVALID_PARTITIONS', 'INVALID_PARTITIONS'],
    [38, 'INVALID_REPLICATION_FACTOR', 'INVALID_CONFIG'],
    [40, 'INVALID_CONFIG', 'INVALID_CONFIG'],
    [44, 'POLICY_VIOLATION', 'INVALID_CONFIG'],
    [58, 'SASL_AUTHENTICATION_FAILED', 'AUTHENTICATION_FAILED'],
    [47, 'INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'],
    [90, 'PRODUCER_FENCED', 'PRODUCER_FENCED'],
    [76, 'UNSUPPORTED_COMPRESSION_TYPE', 'UNSUPPORTED_COMPRESSION'],
    [7, 'REQUEST_TIMED_OUT', 'TIMEOUT'],
    [15, 'GROUP_COORDINATOR_NOT_AVAILABLE', 'UNKNOWN'],
  ])('maps broker error %i (%s) to %s, through kafkajs retry wrappers too', (code, protocolError, expected) => {
    for (const wrap of ['none', 'retries', 'non-retriable'] as const) {
      const mapped = toKafkaError(fromBroker(code, wrap), ctx);
      expect(mapped).toBeInstanceOf(KafkaError);
      expect(mapped.code).toBe(expected);
      expect(mapped.protocolError).toBe(protocolError);
      expect(mapped.message).toContain("produce, topic 'orders' on cluster 'A'");
    }
  });

  it('names the principal, the resource and the ACL to grant when authorization fails', () => {
    const mapped = toKafkaError(fromBroker(29, 'retries'), ctx);
    expect(mapped.message).toContain('User:alice');
    expect(mapped.message).toContain("TOPIC 'orders'");
    expect(mapped.message).toMatch(/grant .*WRITE/);
    expect(mapped.retriable).toBe(false);
    const group = toKafkaError(fromBroker(30), { operation: 'consume', group: 'g1', principal: 'User:bob' });
    expect(group.message).toContain("GROUP 'g1'");
    expect(group.message).toContain('User:bob');
  });

  it('keeps kafkajs retriable flags for unmapped protocol errors', () => {
    expect(toKafkaError(fromBroker(15), ctx).retriable).toBe(true); // coordinator not available
    expect(toKafkaError(fromBroker(29), ctx).retriable).toBe(false);
  });

  it('maps connection failures to UNREACHABLE (retriable) with a hint', () => {
    const mapped = toKafkaError(
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', { broker: '127.0.0.1:1' }), {
        retryCount: 5,
        retryTime: 10,
      }),
      { operation: 'connect admin client', cluster: 'B' },
    );
    expect(mapped.code).toBe('UNREACHABLE');
    expect(mapped.retriable).toBe(true);
    expect(mapped.message).toMatch(/bootstrap servers/);
  });

  it('maps SASL failures to AUTHENTICATION_FAILED', () => {
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    const mapped = toKafkaError(new SaslError('SASL PLAIN authentication failed: Authentication failed: Invalid username or password'), ctx);
    expect(mapped.code).toBe('AUTHENTICATION_FAILED');
    expect(mapped.message).toMatch(/username and password/);
  });

  it('explains kafkajs missing a codec for zstd', () => {
    const notImplemented = Object.assign(new Error('ZSTD compression not implemented'), { name: 'KafkaJSNotImplemented' });
    for (const error of [notImplemented, Object.assign(new KafkaJSNonRetriableError(notImplemented), { cause: notImplemented })]) {
      const mapped = toKafkaError(error, { operation: 'consume' });
      expect(mapped.code).toBe('UNSUPPORTED_COMPRESSION');
      expect(mapped.message).toMatch(/zstd/i);
    }
  });

  it('passes KafkaErrors through, also from inside kafkajs wrappers', () => {
    const own = new KafkaError('UNSUPPORTED_COMPRESSION', 'zstd');
    expect(toKafkaError(own, ctx)).toBe(own);
    expect(toKafkaError(Object.assign(new KafkaJSNonRetriableError(own), { cause: own }), ctx)).toBe(own);
  });

  it('wraps anything else as UNKNOWN and keeps the cause', () => {
    const cause = new TypeError('boom');
    const mapped = toKafkaError(cause, ctx);
    expect(mapped.code).toBe('UNKNOWN');
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).toContain('boom');
  });
});

describe('isKafkaError', () => {
  it('checks the brand and optionally the code', () => {
    const e = new KafkaError('TIMEOUT', 'slow');
    expect(isKafkaError(e)).toBe(true);
    expect(isKafkaError(e, 'TIMEOUT')).toBe(true);
    expect(isKafkaError(e, 'UNKNOWN')).toBe(false);
    expect(isKafkaError(new Error('x'))).toBe(false);
    expect(e.retriable).toBe(true);
  });
});
