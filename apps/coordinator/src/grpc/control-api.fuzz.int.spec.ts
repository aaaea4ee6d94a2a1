import * as grpc from '@grpc/grpc-js';
import { forEachSeed, mutateText, randomText, type SeededRandom } from '@mirrormaker/lease/testing';
import { ControlServiceClient } from '@mirrormaker/proto';
import { startService, type ServiceHandle } from '@mirrormaker/service-kit';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorService } from '../coordinator-service';
import { controlCall } from '../testing/control-call';

// Every ControlService method called with random, mutated and oversized fields: each call answers
// or fails with a status that names the problem (never INTERNAL or UNKNOWN, never a stack), and
// the server keeps serving afterwards. Guards a hang: an error echoing a megabyte-long instance id
// once left the caller without any answer until its deadline.

const SPECIAL = '->.=:\\ ${}#\n,';
const REFUSALS = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION, grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED]);

describe('ControlService under bad input', () => {
  const { source, target } = testClusters();
  const dir = mkdtempSync(join(tmpdir(), 'control-fuzz-'));
  const configPath = join(dir, 'mm2.properties');
  const properties = [
    'clusters = source, target',
    `source.bootstrap.servers = ${source.bootstrap}`,
    `target.bootstrap.servers = ${target.bootstrap}`,
    'source->target.enabled = true',
    `source->target.topics = ${uniqueName('none')}`,
    'source->target.sync.topic.acls.enabled = false',
    'emit.heartbeats.enabled = false',
    `coordinator.config.topic = ${uniqueName('mm-config-fuzz')}`,
    '',
  ].join('\n');
  let coordinator: ServiceHandle;
  let control: ControlServiceClient;

  beforeAll(async () => {
    writeFileSync(configPath, properties);
    coordinator = await startService(coordinatorService, ['--config', configPath, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', '--insecure-plaintext'], {
      MM_LOG_LEVEL: 'silent',
    });
    control = new ControlServiceClient(`127.0.0.1:${coordinator.grpcPort}`, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
    await eventually('first revision stored', async () => (await controlCall<object, { configRevision: bigint }>(control, 'listFlows', {})).configRevision >= 1n);
  }, 60_000);

  afterAll(async () => {
    control?.close();
    await coordinator?.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  });

  const text = (rnd: SeededRandom): string =>
    rnd.chance(0.05) ? 'x'.repeat(rnd.int(100_000, 2_000_000)) : rnd.pick(['', 'source', 'target', 'nope', randomText(rnd, rnd.int(0, 30), SPECIAL)]);
  const flowRef = (rnd: SeededRandom) => (rnd.chance(0.1) ? undefined : { source: text(rnd), target: text(rnd) });

  /** One random call: the method and its request. */
  function randomCall(rnd: SeededRandom): [string, object] {
    const groups = () => Array.from({ length: rnd.int(0, 3) }, () => text(rnd));
    switch (rnd.int(0, 14)) {
      case 12:
        return ['prepareFailover', { flow: flowRef(rnd), groups: groups() }];
      case 13:
        return ['failover', { flow: flowRef(rnd), groups: groups(), dryRun: true }];
      case 14:
        return ['failback', { flow: flowRef(rnd), groups: groups(), dryRun: true }];
      case 0:
        return ['getFlow', { flow: flowRef(rnd) }];
      case 1: {
        const value = rnd.chance(0.5) ? mutateText(rnd, properties, SPECIAL) : randomText(rnd, rnd.int(0, 200), SPECIAL);
        return ['applyConfig', { config: rnd.chance(0.1) ? undefined : { $case: rnd.pick(['properties', 'json']), value }, dryRun: true }];
      }
      case 2: {
        const set: Record<string, string> = {};
        for (let i = rnd.int(0, 4); i > 0; i--) set[text(rnd)] = text(rnd);
        return ['patchFlow', { flow: flowRef(rnd), set, unset: Array.from({ length: rnd.int(0, 3) }, () => text(rnd)) }];
      }
      case 3:
        return ['pauseFlow', { flow: flowRef(rnd) }];
      case 4:
        return ['resumeFlow', { flow: flowRef(rnd) }];
      case 5:
        return ['deleteFlow', { flow: { source: text(rnd), target: rnd.pick(['', 'nope', text(rnd)]) } }];
      case 6:
        return ['getStatus', { flows: Array.from({ length: rnd.int(0, 3) }, () => flowRef(rnd) ?? {}) }];
      case 7:
        return ['drainInstance', { instanceId: text(rnd) }];
      case 8:
        return ['refresh', { flows: Array.from({ length: rnd.int(0, 3) }, () => flowRef(rnd) ?? {}) }];
      case 9:
        return ['translateGroupOffsets', { flow: flowRef(rnd), group: text(rnd) }];
      case 10:
        return ['listInstances', {}];
      default:
        return ['listFlows', {}];
    }
  }

  it('answers every random call with a result or a refusal that says why', async () => {
    const calls: Array<[number, string, object]> = [];
    forEachSeed(1, 300, (rnd, seed) => {
      const [method, request] = randomCall(rnd);
      calls.push([seed, method, request]);
    });
    for (const [seed, method, request] of calls) {
      try {
        await controlCall(control, method, request);
      } catch (err) {
        const e = err as grpc.ServiceError;
        if (!REFUSALS.has(e.code) || e.details === '' || /\n\s+at /.test(e.details)) {
          throw new Error(`seed ${seed}: ${method} answered ${grpc.status[e.code]}: ${e.details.slice(0, 500)}`);
        }
      }
    }
    // Still serving, with the config it started with.
    const flows = await controlCall<object, { flows: Array<{ ref: { source: string; target: string } }> }>(control, 'listFlows', {});
    expect(flows.flows.map((f) => `${f.ref.source}->${f.ref.target}`).sort()).toEqual(['source->target', 'target->source']);
  });

  it('refuses a request larger than the server accepts with RESOURCE_EXHAUSTED and keeps serving', async () => {
    const huge = { config: { $case: 'properties', value: '#'.repeat(8 * 1024 * 1024) }, dryRun: true };
    await expect(controlCall(control, 'applyConfig', huge)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    await expect(controlCall(control, 'listInstances', {})).resolves.toBeDefined();
  });
});
