import { parseConsumerPerf, parseProducerPerf } from './java-tools';
import { checkpointLagTable, latencyTable, median, percentile, summarize, throughputTable, type ThroughputRun } from './report';

const workloads = [{ name: '100b', records: 1_000_000, recordBytes: 100, partitions: 8 }];

function run(contender: ThroughputRun['contender'], extra: Partial<ThroughputRun>): ThroughputRun {
  return { workload: '100b', rep: 1, contender, records: 1_000_000, bytes: 1e8, caughtUp: true, ...extra };
}

describe('report', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('summarizes repetitions by their median and ignores incomplete runs', () => {
    const runs = [
      run('mm2', { recordsPerSec: 100 }),
      run('mm2', { rep: 2, recordsPerSec: 300 }),
      run('mm2', { rep: 3, caughtUp: false, note: 'not caught up: timeout' }),
    ];
    const [s] = summarize({ workloads, throughput: runs });
    expect(s).toMatchObject({ contender: 'mm2', runs: 3, complete: 2, recordsPerSec: 200, note: 'not caught up: timeout' });
  });

  it('prints ratios against MM2 and against the slower side of the physical limit', () => {
    const table = throughputTable({
      workloads,
      throughput: [
        run('limit', { consume: { recordsPerSec: 400_000, mbPerSec: 38, seconds: 2.5 }, produce: { recordsPerSec: 200_000, mbPerSec: 19, p99Ms: 5 } }),
        run('mm2', { recordsPerSec: 100_000, mbPerSec: 9.5 }),
        run('mirrormaker', { recordsPerSec: 50_000, mbPerSec: 4.8 }),
      ],
    });
    const ours = table.split('\n').find((l) => l.includes('| mirrormaker |'));
    expect(ours).toContain('| 0.50× | 0.25× |');
    expect(table).toContain('| 400,000 |');
  });

  it('says so when a mirror did not catch up', () => {
    const table = throughputTable({ workloads, throughput: [run('mirrormaker', { caughtUp: false, note: 'not caught up: timeout' })] });
    expect(table).toContain('not caught up (0/1)');
  });

  it('prints latency rows', () => {
    const t = latencyTable([{ contender: 'mm2', ratePerSec: 1000, recordBytes: 100, produced: 10, received: 10, warmupSkipped: 0, complete: true, p50Ms: 5, p99Ms: 9, maxMs: 12, cpuPerSec: 0.2 }]);
    expect(t).toContain('| Apache MM2 4.3.1 | 1,000 | 10 / 10 | 5.0 | 9.0 | 12.0 | 0.20 |');
  });

  it('prints checkpoint-lag rows in seconds, with how many positions got a checkpoint', () => {
    const t = checkpointLagTable([
      {
        contender: 'mm2-default',
        intervalSeconds: 60,
        complete: true,
        commits: 60,
        samples: 480,
        checkpointed: 470,
        exact: 16,
        p50Ms: 30_120,
        p99Ms: 59_400,
        maxMs: 60_010,
        exactP50Ms: 900,
        exactP99Ms: 1_950,
        exactMaxMs: 1_950,
        firstCheckpointSeconds: 71.2,
        note: '10 committed positions got no checkpoint',
      },
      { contender: 'mirrormaker', intervalSeconds: 1, complete: false, commits: 0, samples: 0, checkpointed: 0, exact: 0, note: 'coordinator exited' },
    ]);
    expect(t).toContain('| Apache MM2 4.3.1, default interval | 60 | 60 | 470 / 480 | 30.12 | 59.40 | 60.01 | 16 | 0.90 | 1.95 | 1.95 | 71.2 | 10 committed positions got no checkpoint |');
    expect(t).toContain('| mirrormaker, default interval | 1 | 0 | 0 / 0 | — | — | — | 0 | — | — | — | — | coordinator exited |');
    expect(checkpointLagTable([])).toBe('');
  });
});

describe('Kafka perf tool output', () => {
  it('reads the final ProducerPerformance line', () => {
    const out = [
      '500000 records sent, 99990.0 records/sec (9.54 MB/sec), 3.5 ms avg latency, 120.0 ms max latency.',
      '1000000 records sent, 187441.6 records/sec (17.88 MB/sec), 12.34 ms avg latency, 310.00 ms max latency, 9 ms 50th, 40 ms 95th, 88 ms 99th, 250 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerf(out)).toEqual({ records: 1_000_000, recordsPerSec: 187441.6, mbPerSec: 17.88, avgLatencyMs: 12.34, maxLatencyMs: 310, p50Ms: 9, p99Ms: 88 });
    expect(parseProducerPerf('nothing')).toBeUndefined();
  });

  it('reads the ConsumerPerformance CSV by header name', () => {
    const out = [
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-26 04:00:00:000, 2026-11-26 04:00:05:000, 190.7349, 38.1470, 2000000, 400000.0, 3000, 2000, 95.3674, 1000000.0',
    ].join('\n');
    expect(parseConsumerPerf(out)).toEqual({
      records: 2_000_000,
      mb: 190.7349,
      recordsPerSec: 400000,
      mbPerSec: 38.147,
      fetchRecordsPerSec: 1_000_000,
      fetchMbPerSec: 95.3674,
      fetchMs: 2000,
    });
    expect(parseConsumerPerf('start.time, end.time')).toBeUndefined();
  });
});
