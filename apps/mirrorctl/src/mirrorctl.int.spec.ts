import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient, KafkaAdmin } from '@mirrormaker/kafka';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { ServiceKind, UnitProgress } from '@mirrormaker/proto';
import { LeaseClient } from '@mirrormaker/service-kit';
import { spawnService, testSecurity, type SpawnedService } from '@mirrormaker/service-kit/testing';
import { eventually, freePorts, testClusters, uniqueName } from '@mirrormaker/testing';
import { mirrorctl } from './mirrorctl';

const logger = createLogger({ service: 'test', level: 'silent' });
const sec = testSecurity();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs mirrorctl in this process with its own stdout/stderr; `tty` makes stdout a terminal. */
async function ctl(args: string[], options: { tty?: boolean; signal?: AbortSignal; onOutput?: (stdout: string) => void } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await mirrorctl(args, {
    stdout: {
      isTTY: options.tty ?? false,
      columns: 200,
      write: (t: string) => {
        stdout += t;
        options.onOutput?.(stdout);
      },
    },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    signal: options.signal,
  });
  return { code, stdout, stderr };
}

describe('mirrorctl against a running coordinator', () => {
  const { source, target } = testClusters();
  const prefix = uniqueName('ctl');
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-'));
  const configPath = join(dir, 'mm2.properties');
  const properties = [
    'clusters = source, target',
    `source.bootstrap.servers = ${source.bootstrap}`,
    `target.bootstrap.servers = ${target.bootstrap}`,
    'source->target.enabled = true',
    `source->target.topics = ${prefix}.*`,
    'source->target.refresh.topics.interval.seconds = 1',
    'source->target.sync.topic.acls.enabled = false',
    'source->target.heartbeats.replication.enabled = false',
    'emit.heartbeats.enabled = false',
    `coordinator.config.topic = ${uniqueName('mm-config')}`,
    'lease.ttl.ms = 2000',
    'lease.renew.interval.ms = 400',
    'lease.grace.ms = 400',
    '',
  ].join('\n');
  const sourceAdmin = new KafkaAdmin(createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'mirrorctl-test' }, logger));
  const coordinators: SpawnedService[] = [];
  let worker: LeaseClient;
  const held = new Set<string>();
  let addresses: string[] = [];
  // Every replica by default: mirrorctl finds the leader, even if leadership moved under load.
  const as = (caller: 'operator' | 'viewer', address = addresses.join(',')) => ['--coordinator', address, '--tls-ca', sec.ca.caCert, '--token-file', sec.tokenFiles[caller]];

  beforeAll(async () => {
    writeFileSync(configPath, properties);
    await sourceAdmin.createTopics([{ name: `${prefix}.orders`, partitions: 2, replicationFactor: 1 }]);
    // Two replicas of the coordinator: one leads, the other names it to callers.
    const ports = await freePorts(2);
    for (const port of ports) {
      coordinators.push(
        await spawnService('coordinator', ['--config', configPath, '--host', '127.0.0.1', '--grpc-port', String(port), '--metrics-port', '0', ...sec.serviceArgs()], {
          MM_ADVERTISED_HOST: 'localhost',
        }),
      );
    }
    addresses = ports.map((p) => `localhost:${p}`);
    await eventually(
      'a coordinator replica leads',
      async () => {
        const run = await ctl(['status', '--json', ...as('viewer', addresses.join(','))]);
        // '' while the replicas are still electing one.
        return run.code === 0 ? (JSON.parse(run.stdout) as { leaderAddress: string }).leaderAddress || undefined : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    worker = new LeaseClient({
      coordinator: addresses.join(','),
      instanceId: 'dm-ctl',
      security: sec.client('worker'),
      kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
      version: 'test',
      logger,
      metrics: createMetricsRegistry({ service: 'data-mirror', version: 'test' }),
      startUnit: async (unit) => {
        held.add(unit.id);
        return { stop: async () => void held.delete(unit.id) };
      },
      // Five of ten records copied on every partition held, with a latency of 8 ms (p50) and 35 ms (p99).
      report: () => ({
        progress: [...held]
          .filter((u) => u.startsWith('partition/'))
          .map((unitId) => ({ unitId, position: 4n, sourceEndOffset: 10n, recordsPerSecond: 2.5, bytesPerSecond: 100, stalledReason: '', latencyP50Ms: 8, latencyP99Ms: 35, latencySamples: 20n, checkpoints: [] })),
      }),
      fenceMarginMs: 300,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    worker.start();
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(coordinators.map((c) => c.stop('SIGTERM')));
    await sourceAdmin.close();
  });

  interface StatusJson {
    leaderAddress: string;
    configRevision: string;
    flows: {
      flow: { source: string; target: string };
      enabled: boolean;
      checkpointAgeMs: string;
      groupCheckpoints: { group: string; checkpointAgeMs: string }[];
      topics: {
        sourceTopic: string;
        remoteTopic: string;
        latencyP50Ms: number;
        latencyP99Ms: number;
        latencySamples: string;
        partitions: { partition: number; holder: string; position: string; lag: string; recordsPerSecond: number; bytesPerSecond: number; latencyP99Ms: number }[];
      }[];
    }[];
    instances: { instanceId: string; kind: string; unitIds: string[]; appliedConfigRevision?: string }[];
  }

  it('status --json gives GetStatus in protobuf JSON: holders, positions and lag as the worker reported them', async () => {
    const status = await eventually('both partitions held and reported', async () => {
      const run = await ctl(['status', '--json', ...as('viewer')]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const parsed = JSON.parse(run.stdout) as StatusJson;
      const orders = parsed.flows[0]?.topics.find((t) => t.sourceTopic === `${prefix}.orders`);
      return orders?.partitions.length === 2 && orders.partitions.every((p) => p.holder === 'dm-ctl' && p.lag === '5') ? parsed : undefined;
    });
    expect(addresses).toContain(status.leaderAddress);
    expect(status.flows[0]!.flow).toEqual({ source: 'source', target: 'target' });
    const orders = status.flows[0]!.topics.find((t) => t.sourceTopic === `${prefix}.orders`)!;
    expect(orders.remoteTopic).toBe(`source.${prefix}.orders`);
    expect(orders.partitions.map((p) => [p.partition, p.position, p.lag, p.recordsPerSecond, p.bytesPerSecond])).toEqual([
      [0, '4', '5', 2.5, 100],
      [1, '4', '5', 2.5, 100],
    ]);
    expect(orders).toMatchObject({ latencyP50Ms: 8, latencyP99Ms: 35, latencySamples: '40' });
    expect(status.instances).toEqual([expect.objectContaining({ instanceId: 'dm-ctl', kind: 'SERVICE_KIND_DATA_MIRROR' })]);
  });

  it('status --json carries the checkpoint age the offset-sync instance reported, aged since its renewal', async () => {
    // An offset-sync instance (for this test only) whose groups unit wrote a checkpoint for 'billing' 1.5 s before each renewal.
    const checkpointer = new LeaseClient({
      coordinator: addresses.join(','),
      instanceId: 'os-ctl',
      security: sec.client('worker'),
      kind: ServiceKind.SERVICE_KIND_OFFSET_SYNC,
      version: 'test',
      logger,
      metrics: createMetricsRegistry({ service: 'offset-sync', version: 'test' }),
      startUnit: async (unit) => {
        held.add(unit.id);
        return { stop: async () => void held.delete(unit.id) };
      },
      report: () => ({
        progress: [...held]
          .filter((u) => u.startsWith('groups/'))
          .map((unitId) => UnitProgress.fromPartial({ unitId, position: -1n, sourceEndOffset: -1n, checkpoints: [{ group: 'billing', ageMs: 1_500n }] })),
      }),
      fenceMarginMs: 300,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    checkpointer.start();
    try {
      const flow = await eventually('a checkpoint age reported', async () => {
        const run = await ctl(['status', '--json', ...as('viewer')]);
        const parsed = JSON.parse(run.stdout) as StatusJson;
        return parsed.flows[0]?.groupCheckpoints.some((g) => g.group === 'billing') ? parsed.flows[0] : undefined;
      });
      const billing = flow.groupCheckpoints.find((g) => g.group === 'billing')!;
      expect(BigInt(billing.checkpointAgeMs)).toBeGreaterThanOrEqual(1_500n);
      expect(flow.checkpointAgeMs).toBe(billing.checkpointAgeMs);
      const table = await ctl(['status', '--partitions', ...as('viewer')]);
      expect(table.stdout).toMatch(/groups with checkpoints {3}newest checkpoint [\d.]+ s ago$/m);
      expect(table.stdout).toMatch(/^\s+billing\s+[\d.]+ s ago$/m);
    } finally {
      await checkpointer.stop(); // says goodbye: the instance leaves at once
    }
  });

  it('status draws the topic with its totals, holder and backlog progress, and the instance with its leases', async () => {
    const run = await ctl(['status', ...as('viewer')]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^coordinator  leader localhost:\d+   config revision \d+ \(/);
    expect(lines.find((l) => l.includes(`${prefix}.orders -> source.${prefix}.orders`))).toMatch(/\s2\s+10\s+10\s+5\.0\s+200 B\/s\s+8 ms \/ 35 ms\s+dm-ctl\s+\[#{10}-{10}\]\s+50%/);
    expect(lines.find((l) => l.startsWith('dm-ctl'))).toMatch(/^dm-ctl\s+data-mirror\s+2\s/);
  });

  it('asked at the follower, status comes from the leader and changes reach the leader', async () => {
    const { leaderAddress } = JSON.parse((await ctl(['status', '--json', ...as('viewer')])).stdout) as StatusJson & { leaderAddress: string };
    const follower = addresses.find((a) => a !== leaderAddress)!;
    // The follower names the leader once it has heard from it lately; until then mirrorctl exits 3 saying so.
    const status = await eventually('status through the follower', async () => {
      const run = await ctl(['status', '--json', ...as('viewer', follower)]);
      return run.code === 0 ? (JSON.parse(run.stdout) as StatusJson) : undefined;
    });
    expect(status.instances.map((i) => i.instanceId)).toEqual(['dm-ctl']);
    const paused = await ctl(['flows', 'pause', 'source->target', ...as('operator', follower)]);
    expect(paused).toEqual({ code: 0, stdout: 'flow source->target paused\n', stderr: '' });
    const flows = JSON.parse((await ctl(['flows', 'list', '--json', ...as('viewer')])).stdout) as { flows: { ref: object; paused: boolean }[] };
    expect(flows.flows).toContainEqual(expect.objectContaining({ ref: { source: 'source', target: 'target' }, enabled: true, paused: true }));
    expect(await ctl(['flows', 'resume', 'source->target', ...as('operator', follower)])).toMatchObject({ code: 0 });
  });

  it('passes over a listed replica that does not answer', async () => {
    const [dead] = await freePorts(1);
    const run = await ctl(['flows', 'list', ...as('viewer', `localhost:${dead},${addresses.join(',')}`)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^FLOW\s+ENABLED\s+PAUSED$/m);
    expect(run.stdout).toMatch(/^source->target\s+yes\s+no$/m);
  });

  it('flows patch and get: the changed key is in force, as --json and as text', async () => {
    const patched = await ctl(['flows', 'patch', 'source->target', '--set', 'sync.group.offsets.interval.seconds=7', '--json', ...as('operator')]);
    expect(patched.code).toBe(0);
    const body = JSON.parse(patched.stdout) as { flow: { settings: Record<string, string> }; configRevision: string };
    expect(body.flow.settings['sync.group.offsets.interval.seconds']).toBe('7');
    expect(Number(body.configRevision)).toBeGreaterThan(1);
    const got = await ctl(['flows', 'get', 'source->target', ...as('viewer')]);
    expect(got.stdout).toContain('  sync.group.offsets.interval.seconds = 7\n');
  });

  it('flows apply -f checks a file with --dry-run, and a bad one exits 1 naming the problem', async () => {
    const good = join(dir, 'good.properties');
    writeFileSync(good, properties);
    const dry = await ctl(['flows', 'apply', '-f', good, '--dry-run', '--json', ...as('operator')]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual(expect.any(Object));
    const bad = join(dir, 'bad.properties');
    writeFileSync(bad, 'clusters = source, target\nsource->target.enabled = true\nsource->target.topics = (unclosed\n');
    const run = await ctl(['flows', 'apply', '-f', bad, ...as('operator')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^mirrorctl: INVALID_ARGUMENT: .*\(unclosed/s);
  });

  it('exits 1 for what the coordinator refuses: an unknown flow, an unknown instance, a translation nobody can serve', async () => {
    const flow = await ctl(['flows', 'get', 'nowhere->target', ...as('viewer')]);
    expect(flow.code).toBe(1);
    expect(flow.stderr).toMatch(/NOT_FOUND: .*nowhere->target/);
    expect((await ctl(['instances', 'drain', 'no-such-instance', ...as('operator')])).code).toBe(1);
    const translate = await ctl(['translate', '--flow', 'source->target', '--group', 'billing', ...as('viewer')]);
    expect(translate.code).toBe(1);
    expect(translate.stderr).toContain('start an offset-sync service');
  });

  it('failover --dry-run reports per group what it would do, as --json and as text; an operator command', async () => {
    const group = uniqueName('ctl-failover');
    const json = await ctl(['failover', '--flow', 'source->target', '--group', group, '--dry-run', '--json', ...as('operator')]);
    expect(json.code).toBe(0);
    const report = (JSON.parse(json.stdout) as { report: { dryRun: boolean; groups: Array<{ group: string; outcome: string }> } }).report;
    expect(report.dryRun).toBe(true);
    expect(report.groups).toEqual([expect.objectContaining({ group, outcome: 'GROUP_MOVE_OUTCOME_NOTHING_TO_MOVE' })]);
    const text = await ctl(['failover', '--flow', 'source->target', '--group', group, '--dry-run', ...as('operator')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/dry run: nothing written/);
    expect(text.stdout).toContain(`group ${group}: nothing to move`);
    // Failback goes along the reverse flow, which this config does not enable: refused, naming why.
    const back = await ctl(['failback', '--flow', 'source->target', '--group', group, '--dry-run', ...as('operator')]);
    expect(back.code).toBe(1);
    expect(back.stderr).toMatch(/target->source/);
    expect((await ctl(['failover', '--flow', 'source->target', '--group', group, ...as('viewer')])).code).toBe(4);
    expect((await ctl(['failover', '--flow', 'source->target', ...as('operator')])).code).toBe(2);
  });

  it('exits 4 naming the fix when the credential is missing or lacks the role', async () => {
    const none = await ctl(['status', '--coordinator', addresses.join(','), '--tls-ca', sec.ca.caCert]);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain('give --token-file <file> or MM_TOKEN');
    const viewer = await ctl(['flows', 'pause', 'source->target', ...as('viewer')]);
    expect(viewer.code).toBe(4);
    expect(viewer.stderr).toMatch(/operator/);
    expect(viewer.stderr).toContain(`--token-file ${sec.tokenFiles.viewer}`);
  });

  it('exits 3 naming the addresses tried when no coordinator answers, and points at --tls-ca when TLS fails', async () => {
    const [dead] = await freePorts(1);
    const down = await ctl(['status', ...as('viewer', `localhost:${dead}`)]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(`tried localhost:${dead}`);
    const untrusted = await ctl(['status', '--coordinator', addresses[0]!, '--token-file', sec.tokenFiles.viewer]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toContain('--tls-ca');
  });

  it('exits 2 on a command line it cannot run, before calling anyone', async () => {
    expect(await ctl(['flows', 'frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'flows frobnicate'") });
    expect(await ctl(['flows', 'list', '--watch', ...as('viewer')])).toMatchObject({ code: 2, stderr: expect.stringContaining("--watch does not apply to 'flows list'") });
    expect(await ctl(['flows', 'get', 'no-arrow', ...as('viewer')])).toMatchObject({ code: 2, stderr: expect.stringContaining('source->target') });
  });

  it('status --watch prints plain lines when stdout is not a terminal, and stops on the signal', async () => {
    const stop = new AbortController();
    const run = await ctl(['status', '--watch', '--interval', '0.3', ...as('viewer')], {
      signal: stop.signal,
      onOutput: (out) => (out.split('\n').filter((l) => l.includes(`${prefix}.orders: mirrored 10, lag 10`) && l.includes('latency p50/p99 8 ms/35 ms')).length >= 2 ? stop.abort() : undefined),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout.split('\n')[0]).toMatch(/^\d\d:\d\d:\d\d source->target /);
  });

  it('status --watch redraws in place on a terminal', async () => {
    const stop = new AbortController();
    let frames = 0;
    const run = await ctl(['status', '--watch', '--interval', '0.3', ...as('viewer')], { tty: true, signal: stop.signal, onOutput: () => (++frames >= 2 ? stop.abort() : undefined) });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^mirrorctl status /);
    // The second frame goes back up over the first one.
    expect(run.stdout).toMatch(/\x1b\[\d+Fmirrorctl status /);
  });

  it('runs as a command: npx mirrorctl exits with the code of the outcome', async () => {
    const child = spawn(process.execPath, [join(__dirname, '../bin/mirrorctl.cjs'), 'flows', 'list', '--json', ...as('viewer')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    // MM2 lists every pair of clusters; the reverse one is disabled.
    expect((JSON.parse(stdout) as { flows: { ref: object; enabled: boolean }[] }).flows).toEqual([
      expect.objectContaining({ ref: { source: 'source', target: 'target' }, enabled: true }),
      expect.objectContaining({ ref: { source: 'target', target: 'source' }, enabled: false }),
    ]);
  });

  it('refresh and instances drain change what the coordinator does', async () => {
    expect(await ctl(['refresh', '--flow', 'source->target', ...as('operator')])).toEqual({ code: 0, stdout: 'discovery refreshed for source->target\n', stderr: '' });
    const drained = await ctl(['instances', 'drain', 'dm-ctl', '--json', ...as('operator')]);
    expect(drained.code).toBe(0);
    expect(JSON.parse(drained.stdout)).toEqual(expect.objectContaining({ unitsMoved: expect.any(Number) }));
    const instances = JSON.parse((await ctl(['instances', 'list', '--json', ...as('viewer')])).stdout) as { instances: { instanceId: string; draining?: boolean }[] };
    expect(instances.instances).toEqual([expect.objectContaining({ instanceId: 'dm-ctl', draining: true })]);
  });
});
