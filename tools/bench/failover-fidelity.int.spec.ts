// The failover-fidelity run at smoke size (`npm run bench -- --smoke --failover-fidelity --only
// mirrormaker`) against the test clusters: a group read on the source at a steady rate is stopped
// twice at a random moment and read again on the target from the offsets mirrormaker translated.
// No record copied at or past the group's position may be missed, every failover must report its
// re-reads, and no process the bench started may be left behind.
import { rmSync } from 'node:fs';
import { testClusters } from '@mirrormaker/testing';
import { runBench } from './bench';
import { cleanupEverything, runningProcesses } from './processes';
import { formatReport, parseBenchArgs } from './run';
import type { BenchResult } from './report';

describe('bench --failover-fidelity (smoke size)', () => {
  const lines: string[] = [];
  let result: BenchResult | undefined;
  let passed = false;

  afterAll(async () => {
    await cleanupEverything();
    if (!passed) process.stdout.write(lines.join('\n') + '\n');
  });

  it('moves a group to the target twice through mirrormaker without missing a record, and reports its re-reads', async () => {
    const { source, target } = testClusters();
    const options = parseBenchArgs(['--smoke', '--failover-fidelity', '--only', 'mirrormaker', '--source', source.bootstrap, '--target', target.bootstrap], (m) => lines.push(m));
    result = await runBench(options);

    const [run, ...more] = result.failoverFidelity ?? [];
    expect(more).toEqual([]);
    expect({ contender: run?.contender, complete: run?.complete, note: run?.note }).toEqual({ contender: 'mirrormaker', complete: true, note: undefined });
    expect(run?.measured).toBe(2);
    expect({ foreign: run?.foreign, mismatched: run?.mismatched }).toEqual({ foreign: 0, mismatched: 0 });
    for (const f of run?.failovers ?? []) {
      expect(f.processed).toBeGreaterThan(0);
      expect(f.noTargetOffset).toBeUndefined();
      expect(f.delivered).toBeGreaterThan(0);
      expect(f.missed).toBe(0);
      expect(typeof f.rereads).toBe('number');
    }
    expect(run?.missedTotal).toBe(0);
    expect(formatReport(result)).toContain('### Failover fidelity');
    expect(runningProcesses()).toEqual([]);
    passed = true;
    rmSync(options.workDir, { recursive: true, force: true });
  }, 300_000);
});
