import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { ServiceError } from './errors';
import { parseSecurityFlags, SECURITY_OPTIONS, SECURITY_USAGE, type SecurityFlags } from './security/security-flags';
import { isWhenCoordinatorsUnreachable, WHEN_COORDINATORS_UNREACHABLE, type WhenCoordinatorsUnreachable } from './leases/when-coordinators-unreachable';

/** Flags every service takes; each also reads an `MM_*` environment variable (the flag wins). */
export interface ServiceFlags {
  /** mm2.properties path (`--config`, `MM_CONFIG`). */
  configPath?: string;
  /**
   * Directories `${file:…}`/`${dir:…}` references may read (`--config-provider-dir`, repeatable or
   * comma-separated; `MM_CONFIG_PROVIDER_DIR`). Empty means the default: the directory of `--config`.
   */
  configProviderDirs: string[];
  /** host:port of the coordinator's gRPC server, or of each replica separated by commas (`--coordinator`, `MM_COORDINATOR`). */
  coordinator?: string;
  /** Listen address; the demo passes 127.0.0.1. @default '0.0.0.0' (`--host`, `MM_HOST`) */
  host: string;
  /** gRPC listen port; 0 picks a free one (`--grpc-port`, `MM_GRPC_PORT`). */
  grpcPort: number;
  /** Prometheus /metrics and /healthz port; 0 picks a free one (`--metrics-port`, `MM_METRICS_PORT`). */
  metricsPort: number;
  /** @default `<service>-<hostname>-<pid>` (`--instance-id`, `MM_INSTANCE_ID`) */
  instanceId: string;
  /** @default 'info' (`--log-level`, `MM_LOG_LEVEL`) */
  logLevel: string;
  /** Bound on a graceful stop (`--shutdown-timeout-ms`, `MM_SHUTDOWN_TIMEOUT_MS`). @default 10000 */
  shutdownTimeoutMs: number;
  /**
   * Workers only: what held units do once no coordinator replica has answered for longer than their
   * leases last (`--when-coordinators-unreachable`, `MM_WHEN_COORDINATORS_UNREACHABLE`). A flag, not
   * a config key: the config comes from the coordinator, which is exactly what cannot be reached then.
   * @default 'stop'
   */
  whenCoordinatorsUnreachable: WhenCoordinatorsUnreachable;
  /** TLS, the callers the server accepts and the token this process sends (security/security-flags.ts). */
  security: SecurityFlags;
  help: boolean;
  /** The service's own on/off flags (`--<name>`, env `MM_<NAME>` = true/false). */
  switches: Record<string, boolean>;
  /** The service's own whole-number flags (`--<name> <n>`, env `MM_<NAME>`), defaults applied. */
  numbers: Record<string, number>;
}

export interface NumberFlag {
  help: string;
  defaultValue: number;
  min: number;
}

export interface FlagDefaults {
  grpcPort: number;
  metricsPort: number;
  /** A worker: it needs a coordinator address and holds leased units (every service but the coordinator). */
  requiresCoordinator?: boolean;
  /** Service-specific on/off flags with their help text, e.g. { 'config-replaces-stored': '...' }. */
  switches?: Record<string, string>;
  /** Service-specific whole-number flags, e.g. { 'fetch-buffer-bytes': { help, defaultValue, min } }. */
  numbers?: Record<string, NumberFlag>;
}

const envNameOf = (flag: string) => `MM_${flag.toUpperCase().replace(/-/g, '_')}`;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const UNREACHABLE_FLAG = 'when-coordinators-unreachable';

export function usage(service: string, defaults: FlagDefaults): string {
  return [
    `usage: ${service} [options]`,
    '  --config <path>            mm2.properties (MM_CONFIG)',
    '  --config-provider-dir <d>  a directory ${file:...} and ${dir:...} references may read; repeatable or',
    '                             comma-separated, default the directory of --config (MM_CONFIG_PROVIDER_DIR)',
    '  --coordinator <host:port[,host:port...]>  coordinator gRPC address(es), one per replica (MM_COORDINATOR)',
    '  --host <addr>              listen address, default 0.0.0.0 (MM_HOST)',
    `  --grpc-port <n>            gRPC port, default ${defaults.grpcPort} (MM_GRPC_PORT)`,
    `  --metrics-port <n>         /metrics and /healthz port, default ${defaults.metricsPort} (MM_METRICS_PORT)`,
    '  --instance-id <id>         instance name shown in leases and logs (MM_INSTANCE_ID)',
    `  --log-level <level>        ${LOG_LEVELS.join('|')}, default info (MM_LOG_LEVEL)`,
    '  --shutdown-timeout-ms <n>  bound on a graceful stop, default 10000 (MM_SHUTDOWN_TIMEOUT_MS)',
    ...(defaults.requiresCoordinator
      ? [
          `  --${UNREACHABLE_FLAG} <${WHEN_COORDINATORS_UNREACHABLE.join('|')}>`,
          '                             what held units do once no coordinator has answered for longer than a',
          '                             lease lasts: stop (default) or keep copying until one answers',
          `                             (${envNameOf(UNREACHABLE_FLAG)}; see docs/architecture.md)`,
        ]
      : []),
    ...SECURITY_USAGE,
    ...Object.entries(defaults.switches ?? {}).map(([name, help]) => `  --${name.padEnd(25)}${help} (${envNameOf(name)})`),
    ...Object.entries(defaults.numbers ?? {}).map(([name, n]) => `  --${`${name} <n>`.padEnd(25)}${n.help} (${envNameOf(name)}, default ${n.defaultValue})`),
    '  --help',
  ].join('\n');
}

function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new ServiceError('BAD_FLAG', `--${name} must be a port number from 0 to 65535, got '${raw}'`);
  }
  return n;
}

/** Parses argv and env into flags; unknown or malformed flags throw a one-line ServiceError. */
export function parseServiceFlags(
  service: string,
  argv: readonly string[],
  env: Record<string, string | undefined>,
  defaults: FlagDefaults,
): ServiceFlags {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        'config-provider-dir': { type: 'string', multiple: true },
        coordinator: { type: 'string' },
        host: { type: 'string' },
        'grpc-port': { type: 'string' },
        'metrics-port': { type: 'string' },
        'instance-id': { type: 'string' },
        'log-level': { type: 'string' },
        'shutdown-timeout-ms': { type: 'string' },
        ...(defaults.requiresCoordinator ? { [UNREACHABLE_FLAG]: { type: 'string' as const } } : {}),
        ...SECURITY_OPTIONS,
        help: { type: 'boolean' },
        ...Object.fromEntries(Object.keys(defaults.switches ?? {}).map((name) => [name, { type: 'boolean' as const }])),
        ...Object.fromEntries(Object.keys(defaults.numbers ?? {}).map((name) => [name, { type: 'string' as const }])),
      },
    }));
  } catch (err) {
    throw new ServiceError('BAD_FLAG', `${(err as Error).message.split('\n')[0]} (see --help)`);
  }
  const str = (flag: string, envName: string): string | undefined => (values[flag] as string | undefined) ?? env[envName];

  const logLevel = str('log-level', 'MM_LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ServiceError('BAD_FLAG', `--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  }
  const coordinator = str('coordinator', 'MM_COORDINATOR');
  if (coordinator !== undefined && !coordinator.split(',').every((address) => /^[^\s:,]+:\d{1,5}$/.test(address.trim()))) {
    throw new ServiceError('BAD_FLAG', `--coordinator must be host:port, or several separated by commas (one per coordinator replica), got '${coordinator}'`);
  }
  const shutdownRaw = str('shutdown-timeout-ms', 'MM_SHUTDOWN_TIMEOUT_MS');
  const shutdownTimeoutMs = shutdownRaw === undefined ? 10_000 : Number(shutdownRaw);
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs <= 0) {
    throw new ServiceError('BAD_FLAG', `--shutdown-timeout-ms must be a positive integer, got '${shutdownRaw}'`);
  }
  const whenCoordinatorsUnreachable = (defaults.requiresCoordinator ? str(UNREACHABLE_FLAG, envNameOf(UNREACHABLE_FLAG)) : undefined) ?? 'stop';
  if (!isWhenCoordinatorsUnreachable(whenCoordinatorsUnreachable)) {
    throw new ServiceError(
      'BAD_FLAG',
      `--${UNREACHABLE_FLAG} (${envNameOf(UNREACHABLE_FLAG)}) must be one of ${WHEN_COORDINATORS_UNREACHABLE.join(', ')}, got '${whenCoordinatorsUnreachable}'`,
    );
  }
  const providerDirs = (values['config-provider-dir'] as string[] | undefined) ?? (env.MM_CONFIG_PROVIDER_DIR === undefined ? [] : [env.MM_CONFIG_PROVIDER_DIR]);
  return {
    configPath: str('config', 'MM_CONFIG'),
    configProviderDirs: providerDirs.flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== ''),
    coordinator,
    host: str('host', 'MM_HOST') ?? '0.0.0.0',
    grpcPort: parsePort('grpc-port', str('grpc-port', 'MM_GRPC_PORT'), defaults.grpcPort),
    metricsPort: parsePort('metrics-port', str('metrics-port', 'MM_METRICS_PORT'), defaults.metricsPort),
    instanceId: str('instance-id', 'MM_INSTANCE_ID') ?? `${service}-${hostname()}-${process.pid}`,
    logLevel,
    shutdownTimeoutMs,
    whenCoordinatorsUnreachable,
    security: parseSecurityFlags(values, env),
    help: values.help === true,
    switches: Object.fromEntries(
      Object.keys(defaults.switches ?? {}).map((name) => [name, values[name] === true || /^(true|1|yes)$/i.test(env[envNameOf(name)] ?? '')]),
    ),
    numbers: Object.fromEntries(
      Object.entries(defaults.numbers ?? {}).map(([name, spec]) => {
        const raw = str(name, envNameOf(name));
        const value = raw === undefined ? spec.defaultValue : Number(raw);
        if (!Number.isSafeInteger(value) || value < spec.min) {
          throw new ServiceError('BAD_FLAG', `--${name} (${envNameOf(name)}) must be a whole number of at least ${spec.min}, got '${raw}'`);
        }
        return [name, value];
      }),
    ),
  };
}
