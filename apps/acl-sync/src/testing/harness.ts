/**
 * Shared by this app's *.int.spec.ts files: the service running in this process against the real
 * test clusters, leased one unit by a real lease server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAdmin, createKafkaClient, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { startService, type ServiceHandle, type ServiceSpec } from '@mirrormaker/service-kit';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { testClusters } from '@mirrormaker/testing';

export type ClusterRole = 'source' | 'target';

export interface RunningTestService {
  handle: ServiceHandle;
  coordinator: TestCoordinator;
  stop(): Promise<void>;
}

/** Starts a lease server for `units` and the service with `properties` as its mm2.properties. */
export async function startWithUnits(spec: ServiceSpec, units: string[], properties: string): Promise<RunningTestService> {
  const dir = mkdtempSync(join(tmpdir(), `${spec.name}-`));
  const configPath = join(dir, 'mm2.properties');
  writeFileSync(configPath, properties);
  const coordinator = await startTestCoordinator(units);
  const args = ['--config', configPath, '--coordinator', coordinator.address, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0'];
  args.push('--log-level', process.env.MM_TEST_LOG_LEVEL ?? 'silent', '--instance-id', `${spec.name}-int`);
  let handle: ServiceHandle;
  try {
    handle = await startService(spec, args, process.env);
  } catch (err) {
    await coordinator.stop();
    throw err;
  }
  return {
    handle,
    coordinator,
    async stop() {
      await handle.stop('test over');
      await coordinator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client on a test cluster as its super user (PLAINTEXT). */
export function superClient(role: ClusterRole): KafkaClient {
  const logger = createLogger({ service: 'int-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });
  return createKafkaClient(
    { clusterAlias: role, brokers: [testClusters()[role].bootstrap], clientId: `int-test-${role}`, retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } },
    logger,
  );
}

/** An admin on a test cluster as its super user (PLAINTEXT). */
export function superAdmin(role: ClusterRole): KafkaAdmin {
  return new KafkaAdmin(superClient(role));
}

/** A SASL/PLAIN client on a test cluster as one of its ACL-bound users. */
export function userClient(role: ClusterRole, user: 'alice' | 'bob'): KafkaClient {
  const info = testClusters()[role];
  const { username, password } = info.users[user];
  const logger = createLogger({ service: 'int-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });
  return createKafkaClient(
    {
      clusterAlias: role,
      brokers: [info.saslBootstrap],
      clientId: `int-test-${role}-${user}`,
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username, password } },
      retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
    },
    logger,
  );
}
