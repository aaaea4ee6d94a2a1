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
});
