/**
 * Routes kafkajs's own logging into the service's pino logger: one child logger per kafkajs
 * namespace (`{kafkajs: 'Consumer'}`), kafkajs's chatty INFO (joins, connects, every rebalance
 * step) demoted to debug and its DEBUG (every request) to trace. kafkajs builds a log entry even
 * when nobody reads it, so its own level is set from what pino will keep.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { logLevel as KafkaJsLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

type PinoLevel = 'error' | 'warn' | 'debug' | 'trace';

const LEVEL_MAP: Record<number, PinoLevel> = {
  [KafkaJsLogLevel.ERROR]: 'error',
  [KafkaJsLogLevel.WARN]: 'warn',
  [KafkaJsLogLevel.INFO]: 'debug',
  [KafkaJsLogLevel.DEBUG]: 'trace',
};

/** The kafkajs level whose entries pino would actually write. */
export function kafkaJsLogLevelFor(logger: Logger): KafkaJsLogLevel {
  if (logger.isLevelEnabled('trace')) return KafkaJsLogLevel.DEBUG;
  if (logger.isLevelEnabled('debug')) return KafkaJsLogLevel.INFO;
  if (logger.isLevelEnabled('warn')) return KafkaJsLogLevel.WARN;
  if (logger.isLevelEnabled('error')) return KafkaJsLogLevel.ERROR;
  return KafkaJsLogLevel.NOTHING;
}

/** A kafkajs `logCreator` writing to `logger`. */
export function pinoLogCreator(logger: Logger): logCreator {
  const children = new Map<string, Logger>();
  const childFor = (namespace: string): Logger => {
    let child = children.get(namespace);
    if (!child) {
      child = logger.child({ kafkajs: namespace || 'root' });
      children.set(namespace, child);
    }
    return child;
  };
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const pinoLevel = LEVEL_MAP[level];
      if (!pinoLevel) return;
      // kafkajs adds its own timestamp and logger name; pino has both already.
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      childFor(namespace)[pinoLevel](fields, message);
    };
}
