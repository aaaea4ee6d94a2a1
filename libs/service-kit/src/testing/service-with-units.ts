/**
 * A service running in the test's own process against the real test clusters, leased its units by
 * a real lease server: what the integration tests of the unit-based services share.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceHandle, type ServiceSpec } from '../run-service';
import { startTestCoordinator, type TestCoordinator } from './test-coordinator';

export interface RunningTestService {
  handle: ServiceHandle;
  coordinator: TestCoordinator;
  stop(): Promise<void>;
}

/**
 * Starts a lease server for `units` and the service with `properties` as its mm2.properties; the
 * instance id is `<service name>-int`.
 */
export async function startWithUnits(spec: ServiceSpec, units: string[], properties: string): Promise<RunningTestService> {
  const dir = mkdtempSync(join(tmpdir(), `${spec.name}-`));
  const configPath = join(dir, 'mm2.properties');
  writeFileSync(configPath, properties);
  const coordinator = await startTestCoordinator(units);
  // Plaintext: these tests are about the units; the secure path has its own tests.
  const args = ['--config', configPath, '--coordinator', coordinator.address, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', '--insecure-plaintext'];
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
