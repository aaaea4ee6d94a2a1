import pino from 'pino';
import { createKafkaClient, toKafkaJsConfig, type KafkaConnection } from './connection';

const base: KafkaConnection = { clusterAlias: 'A', brokers: ['127.0.0.1:9092'], clientId: 'mm-test' };

describe('toKafkaJsConfig', () => {
  it('maps PLAINTEXT with defaults', () => {
    const config = toKafkaJsConfig(base);
    expect(config).toMatchObject({ brokers: ['127.0.0.1:9092'], clientId: 'mm-test', connectionTimeout: 10000, requestTimeout: 30000 });
    expect(config.ssl).toBeUndefined();
    expect(config.sasl).toBeUndefined();
  });

  it('maps SASL_SSL to TLS options and SASL credentials', () => {
    const config = toKafkaJsConfig({
      ...base,
      security: {
        protocol: 'SASL_SSL',
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
        ssl: { ca: 'PEM', rejectUnauthorized: false },
      },
      requestTimeoutMs: 5000,
      retry: { retries: 2, initialRetryTimeMs: 50, maxRetryTimeMs: 1000 },
    });
    expect(config.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' });
    expect(config.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: false });
    expect(config.requestTimeout).toBe(5000);
    expect(config.retry).toEqual({ retries: 2, initialRetryTime: 50, maxRetryTime: 1000 });
  });

  it('maps SSL without SASL, verifying certificates by default', () => {
    const config = toKafkaJsConfig({ ...base, security: { protocol: 'SSL', ssl: { cert: 'C', key: 'K' } } });
    expect(config.ssl).toEqual({ cert: 'C', key: 'K', rejectUnauthorized: true });
    expect(config.sasl).toBeUndefined();
  });

  it.each<[string, Partial<KafkaConnection>, RegExp]>([
    ['no brokers', { brokers: [] }, /at least one/],
    ['bad address', { brokers: ['localhost'] }, /not "host:port"/],
    ['SASL without credentials', { security: { protocol: 'SASL_PLAINTEXT' } }, /needs sasl credentials/],
    ['credentials without SASL', { security: { protocol: 'PLAINTEXT', sasl: { mechanism: 'plain', username: 'a', password: 'b' } } }, /use SASL_PLAINTEXT/],
    ['TLS options without TLS', { security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username: 'a', password: 'b' }, ssl: {} } }, /use SSL or SASL_SSL/],
    ['unknown mechanism', { security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'gssapi' as never, username: 'a', password: 'b' } } }, /mechanism 'gssapi'/],
  ])('rejects %s with INVALID_CONFIG naming the cluster', (_name, change, message) => {
    expect(() => toKafkaJsConfig({ ...base, ...change })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(message) }));
    expect(() => toKafkaJsConfig({ ...base, ...change })).toThrow(/cluster 'A'/);
  });
});

describe('createKafkaClient', () => {
  it('knows the principal it authenticates as', () => {
    const logger = pino({ level: 'silent' });
    expect(createKafkaClient(base, logger).principal).toBe('User:ANONYMOUS');
    const sasl = createKafkaClient(
      { ...base, security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username: 'alice', password: 'x' } } },
      logger,
    );
    expect(sasl.principal).toBe('User:alice');
    expect(sasl.clusterAlias).toBe('A');
  });
});
