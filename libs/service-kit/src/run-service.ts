import { readFile } from 'node:fs/promises';
import {
  createLogger,
  createMetricsRegistry,
  startObservabilityServer,
  type HealthReport,
  type Logger,
  type ObservabilityServer,
  type Registry,
} from '@mirrormaker/observability';
import { isServiceError, ServiceError } from './errors';
import { startGrpcServer, type GrpcServerHandle, type GrpcServiceRegistration } from './grpc-server';
import { loadGrpcSecurity, type ClientSecurity } from './security/grpc-security';
import { parseServiceFlags, usage, type FlagDefaults, type ServiceFlags } from './service-flags';

/** What a service's `start` gets: parsed flags, the config text, and its logger and metrics. */
export interface ServiceContext {
  flags: ServiceFlags;
  /** Contents of `--config`, when given. */
  configText?: string;
  logger: Logger;
  metrics: Registry;
  /** How this process calls other services (TLS trust, client certificate, its token). */
  grpcClient: ClientSecurity;
}

/** A started service: the gRPC services it serves, its health, and how to stop it. */
export interface RunningService {
  grpcServices: GrpcServiceRegistration[];
  health(): HealthReport;
  /** Stops loops and closes clients; called once on SIGTERM/SIGINT before the servers close. */
  stop(): Promise<void>;
}

export interface ServiceSpec extends FlagDefaults {
  name: string;
  version: string;
  start(ctx: ServiceContext): Promise<RunningService>;
}

export interface ServiceHandle {
  readonly grpcPort: number;
  readonly metricsPort: number;
  /** Graceful stop bounded by the shutdown timeout; resolves to how it ended. */
  stop(reason: string): Promise<'graceful' | 'forced'>;
}

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ServiceError('CONFIG_UNREADABLE', `cannot read config file '${path}': ${e.code ?? e.message} (check --config / MM_CONFIG)`, {
      cause: err,
    });
  }
}

/**
 * Starts a service: flags → logger/metrics → service → gRPC + HTTP servers. Start-up problems throw
 * a ServiceError whose message is meant to be printed as the one line an operator sees.
 */
export async function startService(
  spec: ServiceSpec,
  argv: readonly string[],
  env: Record<string, string | undefined>,
): Promise<ServiceHandle> {
  const flags = parseServiceFlags(spec.name, argv, env, spec);
  if (spec.requiresCoordinator && !flags.coordinator) {
    throw new ServiceError('BAD_FLAG', '--coordinator host:port is required (or set MM_COORDINATOR)');
  }
  const configText = flags.configPath ? await readConfig(flags.configPath) : undefined;
  const security = loadGrpcSecurity(flags.security);
  const logger = createLogger({ service: spec.name, level: flags.logLevel, base: { instance: flags.instanceId } });
  const metrics = createMetricsRegistry({ service: spec.name, version: spec.version });
  for (const warning of security.warnings) logger.warn({ host: flags.host, grpcPort: flags.grpcPort }, `INSECURE: ${warning}`);

  const service = await spec.start({ flags, configText, logger, metrics, grpcClient: security.client });
  let grpc: GrpcServerHandle | undefined;
  let http: ObservabilityServer | undefined;
  try {
    grpc = await startGrpcServer({ host: flags.host, port: flags.grpcPort, services: service.grpcServices, security: security.server, logger });
    http = await startObservabilityServer({ host: flags.host, port: flags.metricsPort, registry: metrics, health: () => service.health() }).catch(
      (err: NodeJS.ErrnoException) => {
        throw err.code === 'EADDRINUSE'
          ? new ServiceError('PORT_IN_USE', `metrics port ${flags.host}:${flags.metricsPort} is already in use: stop the other process or pass another --metrics-port`)
          : err;
      },
    );
  } catch (err) {
    await grpc?.shutdown(1000);
    await service.stop();
    throw err;
  }
  // gRPC health follows the service's own health (a worker without a working lease session is not
  // serving), checked about once a second.
  const g = grpc;
  const h = http;
  const syncHealth = () => g.setServing(service.health().healthy);
  syncHealth();
  const healthTimer = setInterval(syncHealth, 1000);
  healthTimer.unref();
  logger.info({ grpcPort: grpc.port, metricsPort: http.port, config: flags.configPath, tls: !flags.security.insecurePlaintext }, `${spec.name} started`);

  let stopping: Promise<'graceful' | 'forced'> | undefined;
  return {
    grpcPort: g.port,
    metricsPort: h.port,
    stop(reason) {
      stopping ??= (async () => {
        const began = Date.now();
        logger.info({ reason }, `${spec.name} stopping`);
        clearInterval(healthTimer);
        g.setServing(false);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'forced'>((resolve) => {
          timer = setTimeout(() => resolve('forced'), flags.shutdownTimeoutMs);
        });
        const work = (async () => {
          await service.stop();
          const grpcOutcome = await g.shutdown(Math.max(500, flags.shutdownTimeoutMs / 2));
          await h.close();
          return grpcOutcome;
        })();
        const outcome = await Promise.race([work, deadline]);
        clearTimeout(timer);
        if (outcome === 'forced') g.server.forceShutdown();
        logger.info({ outcome, durationMs: Date.now() - began }, `${spec.name} stopped`);
        return outcome;
      })();
      return stopping;
    },
  };
}

/**
 * The `main` of every app: starts the service, stops it on SIGTERM/SIGINT within the shutdown
 * timeout, and turns start-up failures into one line on stderr and a non-zero exit.
 */
export async function runService(spec: ServiceSpec, argv = process.argv.slice(2), env = process.env): Promise<void> {
  if (argv.includes('--help')) {
    process.stdout.write(`${usage(spec.name, spec)}\n`);
    return;
  }
  let handle: ServiceHandle;
  try {
    handle = await startService(spec, argv, env);
  } catch (err) {
    const line = isServiceError(err) ? err.message : `start-up failed: ${(err as Error).message ?? String(err)}`;
    process.stderr.write(`${spec.name}: ${line}\n`);
    process.exit(isServiceError(err) && err.code === 'BAD_FLAG' ? 2 : 1);
  }
  const onSignal = (signal: NodeJS.Signals) => {
    handle.stop(signal).then(
      (outcome) => process.exit(outcome === 'graceful' ? 0 : 1),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
