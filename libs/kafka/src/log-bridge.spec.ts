import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { kafkaJsLogLevelFor, pinoLogCreator, treatmentOf } from './log-bridge';

function capture(level: string): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level }, stream),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('pino bridge for kafkajs logs', () => {
  it('writes each kafkajs namespace as a child logger, INFO demoted to debug', () => {
    const out = capture('debug');
    const log = pinoLogCreator(out.logger)(logLevel.DEBUG);
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { timestamp: 't', logger: 'kafkajs', message: 'joined', groupId: 'g' } });
    log({ namespace: 'Producer', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 't', logger: 'kafkajs', message: 'failed', error: 'x' } });
    log({ namespace: 'Connection', level: logLevel.DEBUG, label: 'DEBUG', log: { timestamp: 't', logger: 'kafkajs', message: 'request' } });
    const lines = out.lines();
    expect(lines).toHaveLength(2); // DEBUG maps to trace, below the logger's level
    expect(lines[0]).toMatchObject({ level: 20, kafkajs: 'Consumer', msg: 'joined', groupId: 'g' });
    expect(lines[0]).not.toHaveProperty('timestamp');
    expect(lines[1]).toMatchObject({ level: 50, kafkajs: 'Producer', msg: 'failed', error: 'x' });
  });

  it('sets kafkajs to the most verbose level pino keeps', () => {
    expect(kafkaJsLogLevelFor(pino({ level: 'trace' }))).toBe(logLevel.DEBUG);
    expect(kafkaJsLogLevelFor(pino({ level: 'debug' }))).toBe(logLevel.INFO);
    expect(kafkaJsLogLevelFor(pino({ level: 'info' }))).toBe(logLevel.WARN);
    expect(kafkaJsLogLevelFor(pino({ level: 'error' }))).toBe(logLevel.ERROR);
    expect(kafkaJsLogLevelFor(pino({ level: 'silent' }))).toBe(logLevel.NOTHING);
  });

  it('plugs into kafkajs', () => {
    const out = capture('warn');
    const kafka = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.WARN, logCreator: pinoLogCreator(out.logger) });
    kafka.logger().namespace('Test').warn('careful', { detail: 1 });
    expect(out.lines()).toEqual([expect.objectContaining({ level: 40, kafkajs: 'Test', msg: 'careful', detail: 1 })]);
  });
  describe('errors kafkajs retries or its callers report', () => {
    const CONCURRENT = 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing';
    const entry = (message: string, fields: Record<string, unknown> = {}) => ({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 't', logger: 'kafkajs', message, ...fields },
    });

    it('writes a retried condition once at warn, then at most once per interval with the count of repeats', () => {
      const out = capture('info');
      let now = 0;
      const log = pinoLogCreator(out.logger, { repeatIntervalMs: 60_000, now: () => now })(logLevel.ERROR);
      for (let i = 0; i < 30; i++) {
        log(entry('Response AddPartitionsToTxn(key: 24, version: 1)', { error: CONCURRENT, correlationId: i }));
        now += 1000;
      }
      // 30 occurrences in 30 s: one line so far
      expect(out.lines()).toEqual([expect.objectContaining({ level: 40, kafkajs: 'Connection', condition: 'CONCURRENT_TRANSACTIONS', occurrences: 1, error: CONCURRENT })]);
      now = 61_000;
      log(entry('Response EndTxn(key: 26, version: 1)', { error: CONCURRENT }));
      expect(out.lines()).toHaveLength(2);
      expect(out.lines()[1]).toMatchObject({ level: 40, condition: 'CONCURRENT_TRANSACTIONS', occurrences: 30, sinceMs: 61_000 });
      expect(out.lines().some((l) => l.level === 50)).toBe(false);
    });

    it('counts each condition on its own and treats a reconnect as retried', () => {
      const out = capture('info');
      const log = pinoLogCreator(out.logger, { now: () => 0 })(logLevel.ERROR);
      log(entry('Response Produce(key: 0, version: 7)', { error: 'This server is not the leader for that topic-partition' }));
      log(entry('Failed to send messages: This server is not the leader for that topic-partition', { retryCount: 0 }));
      log({ ...entry('Failed to connect to broker, reconnecting', { retryCount: 1 }), namespace: 'BrokerPool' });
      log({ ...entry('Failed to connect to broker, reconnecting', { retryCount: 2 }), namespace: 'BrokerPool' });
      expect(out.lines().map((l) => [l.level, l.condition])).toEqual([
        [40, 'NOT_LEADER_FOR_PARTITION'],
        [40, 'RECONNECTING'],
      ]);
    });

    it('leaves an error the caller reports itself to debug, and every other error at error', () => {
      const out = capture('debug');
      const log = pinoLogCreator(out.logger)(logLevel.DEBUG);
      log(entry('Response DescribeAcls(key: 29, version: 1)', { error: 'Security features are disabled' }));
      log(entry('Response CreateTopics(key: 19, version: 3)', { error: 'Topic creation errors' }));
      log(entry('Response CreateTopics(key: 19, version: 3)', { error: 'Not authorized to access topics: [Topic authorization failed]' }));
      expect(out.lines().map((l) => l.level)).toEqual([20, 20, 50]);
    });

    it('names the protocol error behind a line', () => {
      expect(treatmentOf('Response X', { error: CONCURRENT })).toEqual({ kind: 'retried', condition: 'CONCURRENT_TRANSACTIONS' });
      expect(treatmentOf('Response X', { error: 'Security features are disabled' })).toEqual({ kind: 'reported-by-caller' });
      expect(treatmentOf('Crash: KafkaJSError: boom', {})).toEqual({ kind: 'as-is' });
    });
  });
});
