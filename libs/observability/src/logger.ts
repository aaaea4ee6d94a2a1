import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors in every log line. Config objects are logged often (at start-up, in errors),
 * and MM2 configs carry credentials under these names, so they are redacted at any depth we use.
 */
export const REDACTED_PATHS: readonly string[] = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'secret',
  '*.secret',
  '*.*.secret',
  '*.jaasConfig',
  '*.*.jaasConfig',
  '*.*.*.jaasConfig',
  '["sasl.jaas.config"]',
  '*["sasl.jaas.config"]',
  '*.*["sasl.jaas.config"]',
  '*["ssl.key.password"]',
  '*["ssl.keystore.password"]',
  '*["ssl.truststore.password"]',
  'authorization',
  '*.authorization',
];

export interface LoggerFactoryOptions {
  /** Service name, added to every line as `service`. */
  service: string;
  /** @default 'info' */
  level?: string;
  /** Extra fields on every line, e.g. the instance id. */
  base?: Record<string, unknown>;
  /** Where lines go; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

/** Creates the root JSON logger of a service; components take `logger.child({component})`. */
export function createLogger(options: LoggerFactoryOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
