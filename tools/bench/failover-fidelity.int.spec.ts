// The failover-fidelity run at smoke size (`npm run bench -- --smoke --failover-fidelity --only
// mirrormaker`) against the test clusters: a group read on the source at a steady rate is stopped
// twice at a random moment and read again on the target from the offsets mirrormaker translated.
// No record copied at or past the group's position may be missed, every failover must report its
// re-reads, and no process the bench started may be left behind.
import { runningProcesses } from './processes';
import { formatReport } from './run';
import { BenchSmoke } from './smoke-harness';

describe('bench --failover-fidelity (smoke size)', () => {
  const smoke = new BenchSmoke();
  afterAll(() => smoke.finish());

  it('moves a group to the target twice through mirrormaker without missing a record, re-reading none', async () => {
    const result = await smoke.run(['--smoke', '--failover-fidelity', '--only', 'mirrormaker']);

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
      expect({ failover: f.index, rereads: f.rereads }).toEqual({ failover: f.index, rereads: 0 });
    }
    expect(run?.missedTotal).toBe(0);
    expect(formatReport(result)).toContain('### Failover fidelity');
    expect(runningProcesses()).toEqual([]);
    smoke.pass();
  }, 300_000);
});
