/**
 * Routes kafkajs's own logging into the service's pino logger: one child logger per kafkajs
 * namespace (`{kafkajs: 'Consumer'}`), kafkajs's chatty INFO (joins, connects, every rebalance
 * step) demoted to debug and its DEBUG (every request) to trace. kafkajs builds a log entry even
 * when nobody reads it, so its own level is set from what pino will keep.
 *
 * kafkajs logs at ERROR every error response and every attempt it is about to retry, even when
 * the retry succeeds and nothing is lost. An on-call person must be able to trust `error`, so:
 * - a retriable condition (a retriable Kafka protocol error such as CONCURRENT_TRANSACTIONS in
 *   exactly-once mode, or a broker connection being re-established) is a **warning**, written the
 *   first time and then at most once per `repeatIntervalMs` per condition, with the number of
 *   occurrences since the previous line. If retrying does not help, the caller gets the error
 *   and reports it (unit status, its own log line);
 * - a condition the caller reports itself in plain words (SECURITY_DISABLED: acl-sync says once
 *   that a cluster without an authorizer has no ACLs to sync; a CreateTopics answer with per-topic
 *   errors, most often a topic another service created first) goes to debug.
 * Every other ERROR stays an error.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { logLevel as KafkaJsLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import { RepeatThrottle } from '@mirrormaker/observability';
import { errorCodes } from 'kafkajs/src/protocol/error';
import type { Logger } from 'pino';

type PinoLevel = 'error' | 'warn' | 'debug' | 'trace';

const LEVEL_MAP: Record<number, PinoLevel> = {
  [KafkaJsLogLevel.ERROR]: 'error',
  [KafkaJsLogLevel.WARN]: 'warn',
  [KafkaJsLogLevel.INFO]: 'debug',
  [KafkaJsLogLevel.DEBUG]: 'trace',
};

/** Protocol errors whose callers in this project explain them; kafkajs's line adds nothing. */
const REPORTED_BY_CALLER: ReadonlySet<string> = new Set(['SECURITY_DISABLED']);

/**
 * kafkajs's summary of a CreateTopics answer with per-topic errors. KafkaAdmin.createTopics takes
 * it apart: a topic that already exists (another service created it first) is success, any other
 * failure is thrown naming the topic and reported by the caller.
 */
const REPORTED_BY_CALLER_SUMMARIES: ReadonlySet<string> = new Set(['Topic creation errors']);

/** kafkajs's own lines for a connection it is about to re-establish (its message, or the start of it). */
const RECONNECTING = ['Failed to connect to broker, reconnecting', 'Failed to connect to seed broker, trying another broker from the list'];

const PROTOCOL_ERRORS_BY_MESSAGE = new Map(errorCodes.map((e) => [e.message, e]));

/** At most one line per retried condition in this time. @default 60000 */
export const DEFAULT_REPEAT_INTERVAL_MS = 60_000;

export interface LogBridgeOptions {
  /** @default DEFAULT_REPEAT_INTERVAL_MS */
  repeatIntervalMs?: number;
  /** @default Date.now */
  now?: () => number;
}

type Treatment = { kind: 'retried'; condition: string } | { kind: 'reported-by-caller' } | { kind: 'as-is' };

/** How an ERROR line of kafkajs is written, from the protocol error or retry it names. */
export function treatmentOf(message: string, fields: Record<string, unknown>): Treatment {
  const named = typeof fields.error === 'string' ? fields.error : message.replace(/^Failed to send messages: /, '');
  const protocolError = PROTOCOL_ERRORS_BY_MESSAGE.get(named);
  if (protocolError && REPORTED_BY_CALLER.has(protocolError.type)) return { kind: 'reported-by-caller' };
  if (REPORTED_BY_CALLER_SUMMARIES.has(named)) return { kind: 'reported-by-caller' };
  if (protocolError?.retriable) return { kind: 'retried', condition: protocolError.type };
  const reconnect = RECONNECTING.find((prefix) => message.startsWith(prefix));
  if (reconnect) return { kind: 'retried', condition: 'RECONNECTING' };
  return { kind: 'as-is' };
}

/** The kafkajs level whose entries pino would actually write. */
export function kafkaJsLogLevelFor(logger: Logger): KafkaJsLogLevel {
  if (logger.isLevelEnabled('trace')) return KafkaJsLogLevel.DEBUG;
  if (logger.isLevelEnabled('debug')) return KafkaJsLogLevel.INFO;
  if (logger.isLevelEnabled('warn')) return KafkaJsLogLevel.WARN;
  if (logger.isLevelEnabled('error')) return KafkaJsLogLevel.ERROR;
  return KafkaJsLogLevel.NOTHING;
}

/** A kafkajs `logCreator` writing to `logger`. */
export function pinoLogCreator(logger: Logger, options: LogBridgeOptions = {}): logCreator {
  const repeatIntervalMs = options.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const children = new Map<string, Logger>();
  const childFor = (namespace: string): Logger => {
    let child = children.get(namespace);
    if (!child) {
      child = logger.child({ kafkajs: namespace || 'root' });
      children.set(namespace, child);
    }
    return child;
  };
  /** Per namespace and condition. */
  const retried = new RepeatThrottle(repeatIntervalMs, now);

  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const pinoLevel = LEVEL_MAP[level];
      if (!pinoLevel) return;
      // kafkajs adds its own timestamp and logger name; pino has both already.
      const { message, timestamp: _timestamp, logger: _name, ...fields } = log;
      if (pinoLevel !== 'error') {
        childFor(namespace)[pinoLevel](fields, message);
        return;
      }
      const treatment = treatmentOf(message, fields);
      if (treatment.kind === 'as-is') {
        childFor(namespace).error(fields, message);
      } else if (treatment.kind === 'reported-by-caller') {
        childFor(namespace).debug(fields, message);
      } else {
        const line = retried.admit(`${namespace}\u0000${treatment.condition}`);
        if (!line) return;
        childFor(namespace).warn(
          { ...fields, condition: treatment.condition, ...line },
          `${message} (retried by the client; repeats are counted and written at most once every ${Math.round(repeatIntervalMs / 1000)} s)`,
        );
      }
    };
}
