import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { createMetricsRegistry } from './metrics';
import { RepeatThrottle } from './repeat-throttle';
import { INTERNAL_RECORDS_SKIPPED_METRIC, internalRecordsSkippedCounter, skippedRecordReporter } from './skipped-records';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('skippedRecordReporter', () => {
  it('counts every skipped record but logs a topic and reason at most once a minute, with how many were skipped since', async () => {
    let now = 1_000_000;
    const out = capture();
    const registry = createMetricsRegistry({ service: 'offset-sync', version: 't' });
    const reporter = skippedRecordReporter(
      internalRecordsSkippedCounter(registry),
      createLogger({ service: 'offset-sync', destination: out.stream }),
      new RepeatThrottle(60_000, () => now),
    );
    const at = (offset: number) => ({ topic: 'mm2-offset-syncs.B.internal', partition: 0, offset: BigInt(offset) });

    for (let offset = 0; offset < 1000; offset++) reporter.skipped(at(offset), 'undecodable', new Error('bad bytes'));
    reporter.skipped({ ...at(5), topic: 'B.checkpoints.internal' }, 'undecodable');
    expect(out.lines().map((l) => [l.topic, l.offset, l.occurrences])).toEqual([
      ['mm2-offset-syncs.B.internal', '0', 1],
      ['B.checkpoints.internal', '5', 1],
    ]);

    now += 60_000;
    reporter.skipped(at(1000), 'undecodable');
    const last = out.lines().at(-1)!;
    expect(last).toMatchObject({ level: 'warn', offset: '1000', occurrences: 1000, sinceMs: 60_000 });
    expect(String(last.msg)).toContain('1000 records of this topic skipped');

    const metric = await registry.getSingleMetricAsString(INTERNAL_RECORDS_SKIPPED_METRIC);
    expect(metric).toMatch(/topic="mm2-offset-syncs\.B\.internal",reason="undecodable"[^\n]* 1001$/m);
  });
});
