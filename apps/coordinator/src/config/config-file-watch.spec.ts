import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, createMetricsRegistry, type Registry } from '@mirrormaker/observability';
import { Backoff } from '@mirrormaker/service-kit';
import { eventually } from '@mirrormaker/testing';
import { ConfigFileWatch } from './config-file-watch';
import { ConfigRejected } from './config-rejected';

function capturedLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').trim().split('\n')) lines.push(JSON.parse(line) as { level: string; msg: string });
      done();
    },
  });
  return { logger: createLogger({ service: 'coordinator', destination }), errors: () => lines.filter((l) => l.level === 'error').map((l) => l.msg) };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return Number(value?.value ?? 0);
}

describe('ConfigFileWatch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-watch-'));
  const path = join(dir, 'mm2.properties');
  let watch: ConfigFileWatch | undefined;
  let applied: string[];
  let registry: Registry;
  let outcome: (text: string) => Promise<void>;
  let log: ReturnType<typeof capturedLogger>;

  /** A running watch of `path` that records what it applies; `read` replaces reading the file. */
  function startWatch(read?: (path: string) => Promise<string>): void {
    registry = createMetricsRegistry({ service: 'coordinator', version: 'test' });
    watch = new ConfigFileWatch({
      path,
      initialText: 'v1',
      read,
      apply: async (text) => {
        await outcome(text);
        applied.push(text);
        return { revision: { revision: applied.length + 1 } };
      },
      currentRevision: () => applied.length + 1,
      logger: log.logger,
      metrics: registry,
      intervalMs: 20,
      backoff: new Backoff({ initialMs: 10, maxMs: 50 }),
    });
    watch.start();
  }

  beforeEach(() => {
    writeFileSync(path, 'v1');
    applied = [];
    outcome = async () => undefined;
    log = capturedLogger();
    startWatch();
  });

  afterEach(async () => {
    await watch?.stop();
  });

  it('applies an edit once, and not a rewrite of the same text', async () => {
    writeFileSync(path, 'v2');
    await eventually('edit applied', () => applied.includes('v2'));
    writeFileSync(path, 'v2');
    writeFileSync(path, 'v3');
    await eventually('second edit applied', () => applied.includes('v3'));
    expect(applied).toEqual(['v2', 'v3']);
    expect(await metric(registry, 'mirrormaker_coordinator_config_file_edits_total', { outcome: 'applied' })).toBe(2);
  });

  it('refuses an invalid edit loudly, once, and keeps running until the file is fixed', async () => {
    outcome = async (text) => {
      if (text === 'broken') {
        throw new ConfigRejected([{ severity: 'error', code: 'invalid-value', line: 3, key: 'A->B.offset.lag.max', message: 'must be >= 0', hint: 'write a number of records' }]);
      }
    };
    writeFileSync(path, 'broken');
    const error = await eventually('refusal logged', () => log.errors()[0]);
    expect(error).toContain(path);
    expect(error).toContain('still running revision 1');
    expect(error).toContain('A->B.offset.lag.max: must be >= 0 (fix: write a number of records)');
    expect(await metric(registry, 'mirrormaker_coordinator_config_file_refused')).toBe(1);

    writeFileSync(path, 'fixed');
    await eventually('fixed file applied', () => applied.includes('fixed'));
    expect(log.errors()).toHaveLength(1);
    expect(await metric(registry, 'mirrormaker_coordinator_config_file_edits_total', { outcome: 'rejected' })).toBe(1);
    expect(await metric(registry, 'mirrormaker_coordinator_config_file_refused')).toBe(0);
  });

  it('applies a changed text only once two reads agree, never what a tool writing the file left in between', async () => {
    await watch?.stop();
    // What a tool that truncates the file and then writes it can leave to be read: nothing, then a
    // cut-off text, then the whole.
    const reads = ['v1', '', 'clusters = A', 'clusters = A, B\nA->B.enabled = true'];
    let at = 0;
    const seen: string[] = [];
    startWatch(async () => {
      const text = reads[Math.min(at++, reads.length - 1)];
      seen.push(text);
      return text;
    });
    await eventually('the whole text applied', () => applied.length > 0);
    expect(applied).toEqual(['clusters = A, B\nA->B.enabled = true']);
    expect(seen.slice(0, 5)).toEqual(reads.concat(reads[3]));
  });

  it('retries an edit it could not store, and waits out a file that is briefly gone', async () => {
    let failures = 2;
    outcome = async () => {
      if (failures-- > 0) throw new Error('NOT_ENOUGH_REPLICAS');
    };
    rmSync(path);
    await eventually('missing file counted', async () => (await metric(registry, 'mirrormaker_coordinator_config_file_edits_total', { outcome: 'unreadable' })) > 0);
    writeFileSync(path, 'v2');
    await eventually('edit stored after retries', () => applied.includes('v2'));
    expect(await metric(registry, 'mirrormaker_coordinator_config_file_edits_total', { outcome: 'store_failed' })).toBe(2);
  });
});
