import { actionOrder, type CoordinatorFailoverRun } from './coordinator-chaos';
import type { FailoverFidelityRun } from './failover-fidelity';
import type { BenchResult } from './report';
import { formatReport, parseBenchArgs } from './run';

const quiet = () => undefined;

function result(extra: Partial<BenchResult>): BenchResult {
  return {
    startedAt: '2026-11-26T00:00:00.000Z',
    command: 'npm run bench',
    mode: 'full',
    scale: 1,
    repeat: 1,
    machine: { cpus: 2, cpuModel: 'cpu', memoryGiB: 8, loadAvgStart: [0], node: 'v20', java: 'java', os: 'Linux' },
    settings: {},
    workloads: [],
    throughput: [],
    latency: [],
    checkpointLag: [],
    notDone: [],
    ...extra,
  };
}

describe('bench command line', () => {
  it('measures checkpoint lag by default, with the full or smoke sizes', () => {
    const full = parseBenchArgs([], quiet);
    expect(full.checkpoints).toBe(true);
    expect(full.checkpointPhase).toMatchObject({ commits: 25, ratePerSec: 2000, commitEverySeconds: 2 });
    const smoke = parseBenchArgs(['--smoke'], quiet);
    expect(smoke.checkpoints).toBe(true);
    expect(smoke.checkpointPhase).toMatchObject({ commits: 3, ratePerSec: 1000, warmupSeconds: 0 });
  });

  it('takes --wan with the delay each way (25 ms by default)', () => {
    expect(parseBenchArgs([], quiet).wan).toBeUndefined();
    expect(parseBenchArgs(['--wan'], quiet).wan).toEqual({ delayMs: 25 });
    expect(parseBenchArgs(['--wan', '--wan-delay-ms', '10'], quiet).wan).toEqual({ delayMs: 10 });
    expect(() => parseBenchArgs(['--wan', '--wan-delay-ms', '0'], quiet)).toThrow(/--wan-delay-ms/);
  });

  it('takes --no-checkpoints, --checkpoint-commits and --checkpoint-rate', () => {
    expect(parseBenchArgs(['--no-checkpoints'], quiet).checkpoints).toBe(false);
    const o = parseBenchArgs(['--checkpoint-commits', '10', '--checkpoint-rate', '500'], quiet);
    expect(o.checkpointPhase).toMatchObject({ commits: 10, ratePerSec: 500 });
    expect(() => parseBenchArgs(['--checkpoint-commits', '0'], quiet)).toThrow(/--checkpoint-commits/);
  });

  it('prints only the sections that were measured', () => {
    const onlyCheckpoints = formatReport(
      result({ checkpointLag: [{ contender: 'mm2-1s', intervalSeconds: 1, complete: true, commits: 25, samples: 200, checkpointed: 200, exact: 200, p50Ms: 600, p99Ms: 1100, maxMs: 1200 }] }),
    );
    expect(onlyCheckpoints).toContain('### Checkpoint lag');
    expect(onlyCheckpoints).not.toContain('### Throughput');
    expect(onlyCheckpoints).not.toContain('### Every run');
    const copies = formatReport(result({ workloads: [{ name: '100b', records: 10, recordBytes: 100, partitions: 8 }], throughput: [{ workload: '100b', rep: 1, contender: 'mm2', records: 10, bytes: 1000, caughtUp: true }] }));
    expect(copies).toContain('### Throughput');
    expect(copies).not.toContain('### Checkpoint lag');
  });

  it('runs only the failover measurement with --coordinator-chaos, at full, smoke or given sizes', () => {
    const full = parseBenchArgs(['--coordinator-chaos'], quiet);
    expect({ throughput: full.throughput, latency: full.latency, checkpoints: full.checkpoints }).toEqual({ throughput: false, latency: false, checkpoints: false });
    expect(full.chaos).toMatchObject({ kills: 5, pauses: 5, pauseSeconds: 30, ratePerSec: 20_000, modes: ['at-least-once', 'exactly-once'] });
    expect(parseBenchArgs(['--smoke', '--coordinator-chaos'], quiet).chaos).toMatchObject({ kills: 1, pauses: 1, modes: ['at-least-once'] });
    const given = parseBenchArgs(['--coordinator-chaos', '--chaos-kills', '0', '--chaos-pauses', '2', '--chaos-pause-seconds', '8', '--chaos-rate', '1000', '--chaos-modes', 'exactly-once'], quiet);
    expect(given.chaos).toMatchObject({ kills: 0, pauses: 2, pauseSeconds: 8, ratePerSec: 1000, modes: ['exactly-once'] });
    expect(() => parseBenchArgs(['--coordinator-chaos', '--chaos-modes', 'twice'], quiet)).toThrow(/--chaos-modes/);
    expect(parseBenchArgs([], quiet).chaos).toBeUndefined();
  });

  it('runs only the failover-fidelity measurement with --failover-fidelity, at full, smoke or given sizes', () => {
    const full = parseBenchArgs(['--failover-fidelity'], quiet);
    expect({ throughput: full.throughput, latency: full.latency, checkpoints: full.checkpoints, chaos: full.chaos }).toEqual({ throughput: false, latency: false, checkpoints: false, chaos: undefined });
    expect(full.fidelity).toMatchObject({ failovers: 20, ratePerSec: 5000, partitions: 8 });
    expect(full.contenders).toEqual(['limit', 'mm2', 'mirrormaker']);
    expect(parseBenchArgs(['--smoke', '--failover-fidelity'], quiet).fidelity).toMatchObject({ failovers: 2, ratePerSec: 1000 });
    const given = parseBenchArgs(['--failover-fidelity', '--only', 'mirrormaker', '--fidelity-failovers', '5', '--fidelity-rate', '2000'], quiet);
    expect(given.fidelity).toMatchObject({ failovers: 5, ratePerSec: 2000 });
    expect(given.contenders).toEqual(['mirrormaker']);
    expect(() => parseBenchArgs(['--failover-fidelity', '--coordinator-chaos'], quiet)).toThrow(/on their own/);
    expect(parseBenchArgs([], quiet).fidelity).toBeUndefined();
  });

  it('prints the failover-fidelity table', () => {
    const run: FailoverFidelityRun = {
      contender: 'mm2', ratePerSec: 5000, partitions: 8, complete: true, produced: 100_000, foreign: 0, mismatched: 0, failovers: [],
      measured: 20, rereadsP50: 412, rereadsMax: 790, rereadsTotal: 8350, missedTotal: 0, missedMax: 0, exact: 0, settledP50Ms: 1400, settledMaxMs: 2600,
    };
    const text = formatReport(result({ failoverFidelity: [run] }));
    expect(text).toContain('### Failover fidelity');
    expect(text).toContain('| Apache MM2 4.3.1 | 5,000 rec/s | 20 / 0 | 412 / 790 | 8,350 | 0 | 0 / 20 | 1.40 s / 2.60 s |  |');
  });

  it('alternates kills and pauses, a kill first', () => {
    expect(actionOrder(2, 3)).toEqual(['kill', 'pause', 'kill', 'pause', 'pause']);
    expect(actionOrder(0, 1)).toEqual(['pause']);
  });

  it('prints the failover table', () => {
    const run: CoordinatorFailoverRun = {
      mode: 'exactly-once', ratePerSec: 20_000, partitions: 8, dataMirrors: 2, pauseSeconds: 30, complete: true, produced: 1000, arrived: 1000, lost: 0, duplicates: 0, unexpected: 0,
      actions: [{ kind: 'kill', replica: 'coord-a', at: 0, electionMs: 3100, longestGapMs: 900 }],
      electionP50Ms: 3100, electionMaxMs: 3100, longestGapAfterKillMs: 900, baselineGapMs: 200, leaderOverlaps: [], holderOverlaps: [], leaderIntervals: 2, holderIntervals: 8, leasesFenced: 0, dir: '/tmp',
    };
    const text = formatReport(result({ coordinatorFailover: [run] }));
    expect(text).toContain('### Coordinator failover');
    expect(text).toContain('| exactly-once | 20,000 rec/s | 1 kills, 0 pauses of 30 s | 1,000 | 0 | 0 | 0.90 s / — (0.20 s) | 3.10 s / 3.10 s | 0 | 0 | 0 |  |');
  });
});
