// The benchmark harness end to end on a tiny backlog (`npm run bench -- --smoke`) against the test
// clusters: the physical limit, Apache MM2 and mirrormaker must each finish with numbers, the latency
// check must measure both mirrors, a few group commits must each get a checkpoint from both mirrors,
// and no process the bench started may be left behind.
import { runningProcesses } from './processes';
import { formatReport } from './run';
import { BenchSmoke } from './smoke-harness';

describe('bench --smoke', () => {
  const smoke = new BenchSmoke();
  afterAll(() => smoke.finish());

  it('copies the backlog with every contender, measures latency and checkpoint lag, and stops everything', async () => {
    const result = await smoke.run(['--smoke']);

    const runs = result.throughput;
    expect(runs.map((r) => r.contender).sort()).toEqual(['limit', 'mirrormaker', 'mm2']);
    for (const r of runs) {
      expect({ contender: r.contender, caughtUp: r.caughtUp, note: r.note }).toEqual({ contender: r.contender, caughtUp: true, note: undefined });
    }
    const limit = runs.find((r) => r.contender === 'limit');
    expect(limit?.consume?.recordsPerSec).toBeGreaterThan(0);
    expect(limit?.produce?.recordsPerSec).toBeGreaterThan(0);
    for (const r of runs.filter((x) => x.contender !== 'limit')) {
      expect(r.recordsPerSec).toBeGreaterThan(0);
      expect(r.mbPerSec).toBeGreaterThan(0);
      expect(r.cpuSeconds).toBeGreaterThan(0);
      expect(r.peakRssBytes).toBeGreaterThan(0);
    }

    expect(result.latency.map((l) => l.contender).sort()).toEqual(['mirrormaker', 'mm2']);
    for (const l of result.latency) {
      expect({ contender: l.contender, complete: l.complete, note: l.note }).toEqual({ contender: l.contender, complete: true, note: undefined });
      expect(l.p50Ms).toBeGreaterThan(0);
      expect(l.p99Ms).toBeGreaterThanOrEqual(l.p50Ms as number);
    }

    // Smoke sizes: MM2 at its 60 s default is left out, the 1 s variant runs the same code.
    expect(result.checkpointLag.map((c) => c.contender).sort()).toEqual(['mirrormaker', 'mm2-1s']);
    for (const c of result.checkpointLag) {
      expect({ contender: c.contender, complete: c.complete, commits: c.commits, note: c.note }).toEqual({ contender: c.contender, complete: true, commits: 3, note: undefined });
      expect(c.samples).toBeGreaterThan(0);
      expect(c.checkpointed).toBe(c.samples);
      expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms as number);
    }

    const report = formatReport(result);
    expect(report).toContain('| mirrormaker |');
    expect(report).toContain('### Checkpoint lag');
    expect(report).toContain('Apache MM2 4.3.1');
    expect(runningProcesses()).toEqual([]);
    smoke.pass();
  }, 300_000);
});
