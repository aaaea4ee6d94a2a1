import { createLogger } from '@mirrormaker/observability';
import { Writable } from 'node:stream';
import type { UnitFailure as Failure } from './unit-failure';
import { SyncStatus } from './sync-status';

function setUp() {
  const lines: Array<{ level: string; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: string; msg: string });
      done();
    },
  });
  let now = 1_000_000;
  const status = new SyncStatus(createLogger({ service: 'test', level: 'debug', destination }), () => now);
  return { status, lines, tick: (ms: number) => (now += ms) };
}

const denied: Failure = { cause: 'AUTHORIZATION_FAILED', message: 'principal User:bob lacks CREATE', retriable: false, clusterWide: false, action: 'create topic', topic: 'A.t' };

describe('SyncStatus', () => {
  it('logs a failure as a warning when it appears, at debug while it repeats, and once when it is gone', () => {
    const { status, lines } = setUp();
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    status.recordRun('topics', { durationMs: 5, failures: [] });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'principal User:bob lacks CREATE'],
      ['debug', 'principal User:bob lacks CREATE'],
      ['info', 'resolved: principal User:bob lacks CREATE'],
    ]);
    expect(status.currentState).toBe('in-sync');
  });

  it('turns current failures into error reports and its state into health details', () => {
    const { status, tick } = setUp();
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    tick(1000);
    status.recordRun('configs', { durationMs: 7, failures: [], fatal: { failure: { ...denied, cause: 'UNREACHABLE', action: 'list topics' }, retryInMs: 2000 } });
    status.count('topic_created', 2);
    expect(status.currentState).toBe('retrying');
    expect(status.errorReports('topics/A->B')).toEqual([
      { unitId: 'topics/A->B', cause: 'AUTHORIZATION_FAILED', message: denied.message, at: new Date(1_000_000) },
      { unitId: 'topics/A->B', cause: 'UNREACHABLE', message: denied.message, at: new Date(1_001_000) },
    ]);
    expect(status.view()).toMatchObject({
      state: 'retrying',
      totals: { topic_created: 2 },
      lastRuns: { configs: { ok: false, retryAt: new Date(1_003_000).toISOString() }, topics: { ok: true } },
    });
  });

  it('shows why a unit is idle', () => {
    const { status } = setUp();
    status.setIdle('flow A->B is not enabled');
    expect(status.view()).toMatchObject({ state: 'idle', note: 'flow A->B is not enabled', errors: [] });
  });
});
