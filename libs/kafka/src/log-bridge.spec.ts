import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { Writable } from 'node:stream';
import { kafkaJsLogLevelFor, pinoLogCreator } from './log-bridge';

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
});
