// The coordinator failover run at smoke size (`npm run bench -- --smoke --coordinator-chaos`)
// against the test clusters: one kill -9 and one pause of the leading replica while records flow.
// Every record must arrive, another replica must lead each time, no unit may have two holders at
// once, no two replicas may act as leader at once, and no process the bench started may be left
// behind.
import { runningProcesses } from './processes';
import { formatReport } from './run';
import { BenchSmoke } from './smoke-harness';

describe('bench --coordinator-chaos (smoke size)', () => {
  const smoke = new BenchSmoke();
  afterAll(() => smoke.finish());

  it('loses no record through a killed and a paused leader, elects a new leader each time, and never has two leaders or two holders of a unit', async () => {
    const result = await smoke.run(['--smoke', '--coordinator-chaos']);

    const [run, ...more] = result.coordinatorFailover ?? [];
    expect(more).toEqual([]);
    expect({ complete: run?.complete, note: run?.note }).toEqual({ complete: true, note: undefined });
    expect(run?.produced).toBeGreaterThan(0);
    expect({ lost: run?.lost, unexpected: run?.unexpected }).toEqual({ lost: 0, unexpected: 0 });
    expect(run?.actions.map((a) => a.kind)).toEqual(['kill', 'pause']);
    for (const a of run?.actions ?? []) {
      expect(a.newLeader).toBeDefined();
      expect(a.newLeader).not.toBe(a.replica);
    }
    expect(run?.leaderIntervals).toBeGreaterThanOrEqual(3);
    expect(run?.holderIntervals).toBeGreaterThan(0);
    expect(run?.holderOverlaps).toEqual([]);
    expect(run?.leaderOverlaps).toEqual([]);
    expect(formatReport(result)).toContain('### Coordinator failover');
    expect(runningProcesses()).toEqual([]);
    smoke.pass();
  }, 240_000);
});
