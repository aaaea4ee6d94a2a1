import { createLogger } from '@mirrormaker/observability';
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import type { UnitFailure } from './unit-failure';
import { unitMetrics } from './unit-metrics';
import { UnitStatus } from './unit-status';

type Cause = 'AUTHORIZATION_FAILED' | 'UNREACHABLE' | 'OFFSET_SYNCS_TOPIC_MISSING' | 'REMOTE_TOPIC_MISSING' | 'RECORD_REJECTED' | 'FENCED' | 'PRODUCE_FAILED';

function setUp(unitId = 'topics/A->B') {
  const lines: Array<{ level: string; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: string; msg: string });
      done();
    },
  });
  let now = 1_000_000;
  const registry = new Registry();
  const status = new UnitStatus<Cause, 'waiting-for-offset-syncs'>({
    unitId,
    logger: createLogger({ service: 'test', level: 'debug', destination }),
    metrics: unitMetrics(registry),
    now: () => now,
  });
  return { status, lines, registry, tick: (ms: number) => (now += ms), at: (ms: number) => (now = ms) };
}

const denied: UnitFailure<Cause> = { cause: 'AUTHORIZATION_FAILED', message: 'principal User:bob lacks CREATE', retriable: false, clusterWide: false, action: 'create topic', topic: 'A.t' };

describe('UnitStatus', () => {
  it('logs a failure as a warning when it appears, at debug while it repeats, and once when it is gone', () => {
    const { status, lines } = setUp();
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    expect(status.state).toBe('degraded');
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    status.recordRun('topics', { durationMs: 5, failures: [] });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'principal User:bob lacks CREATE'],
      ['debug', 'principal User:bob lacks CREATE'],
      ['info', 'resolved: principal User:bob lacks CREATE'],
    ]);
    expect(status.state).toBe('in-sync');
  });

  it('turns current failures into error reports and its state into health details', () => {
    const { status, tick } = setUp();
    status.recordRun('topics', { durationMs: 5, failures: [denied] });
    tick(1000);
    status.recordRun('configs', { durationMs: 7, failures: [], fatal: { failure: { ...denied, cause: 'UNREACHABLE', action: 'list topics', retriable: true }, retryInMs: 2000 } });
    status.count('topic_created', 2);
    expect(status.state).toBe('retrying');
    expect(status.errorReports()).toEqual([
      { unitId: 'topics/A->B', cause: 'AUTHORIZATION_FAILED', message: denied.message, at: new Date(1_000_000) },
      { unitId: 'topics/A->B', cause: 'UNREACHABLE', message: denied.message, at: new Date(1_001_000) },
    ]);
    expect(status.view()).toMatchObject({
      state: 'retrying',
      phase: 'running',
      totals: { topic_created: 2 },
      lastRuns: { configs: { ok: false, retryAt: new Date(1_003_000).toISOString() }, topics: { ok: true } },
      problems: [
        { cause: 'AUTHORIZATION_FAILED', retriable: false, task: 'topics', topic: 'A.t', since: new Date(1_000_000).toISOString() },
        { cause: 'UNREACHABLE', retriable: true, task: 'configs' },
      ],
    });
  });

  it('shows why a unit is idle', () => {
    const { status } = setUp();
    status.setIdle('flow A->B is not enabled');
    expect(status.view()).toEqual({ state: 'idle', phase: 'idle', detail: 'flow A->B is not enabled', problems: [] });
  });

  it('shows the phase and keeps a problem until it is resolved', () => {
    const { status, at } = setUp('groups/A->B/0');
    at(Date.parse('2026-01-02T03:04:05.000Z'));
    status.setPhase('waiting-for-offset-syncs', 'mm2-offset-syncs.B.internal on A does not exist yet');
    expect(status.state).toBe('starting');
    status.report({ cause: 'OFFSET_SYNCS_TOPIC_MISSING', message: 'no topic', retriable: true });
    expect(status.view()).toEqual({
      state: 'retrying',
      phase: 'waiting-for-offset-syncs',
      detail: 'mm2-offset-syncs.B.internal on A does not exist yet',
      problems: [{ cause: 'OFFSET_SYNCS_TOPIC_MISSING', message: 'no topic', retriable: true, since: '2026-01-02T03:04:05.000Z' }],
    });
    expect(status.errorReports()).toEqual([{ unitId: 'groups/A->B/0', cause: 'OFFSET_SYNCS_TOPIC_MISSING', message: 'no topic', at: new Date('2026-01-02T03:04:05.000Z') }]);
    status.resolve('UNREACHABLE');
    expect(status.errorReports()).toHaveLength(1);
    status.resolve('OFFSET_SYNCS_TOPIC_MISSING');
    status.setPhase('running');
    expect(status.view()).toEqual({ state: 'in-sync', phase: 'running', problems: [] });
    expect(status.errorReports()).toEqual([]);
  });

  it('keeps one problem at a time, with the first time of its cause', () => {
    const { status, at } = setUp('partition/A->B/t/0');
    expect(status.problemSummary()).toBe('');
    at(1000);
    expect(status.report({ cause: 'REMOTE_TOPIC_MISSING', message: 'waiting for remote topic A.t', retriable: true })).toBe(true);
    at(2000);
    expect(status.report({ cause: 'REMOTE_TOPIC_MISSING', message: 'waiting for remote topic A.t (still)', retriable: true })).toBe(false);
    expect(status.problems).toEqual([expect.objectContaining({ cause: 'REMOTE_TOPIC_MISSING', message: 'waiting for remote topic A.t (still)', since: 1000 })]);
    expect(status.problemSummary()).toBe('REMOTE_TOPIC_MISSING: waiting for remote topic A.t (still)');
    at(3000);
    expect(status.report({ cause: 'RECORD_REJECTED', message: 'too large', retriable: false })).toBe(true);
    expect(status.problems.map((p) => [p.cause, p.since])).toEqual([['RECORD_REJECTED', 3000]]);
    expect(status.resolve().map((p) => p.cause)).toEqual(['RECORD_REJECTED']);
    expect(status.problems).toEqual([]);
  });

  it('clears only the named cause', () => {
    const { status } = setUp();
    status.report({ cause: 'FENCED', message: 'x', retriable: false });
    status.resolve('PRODUCE_FAILED');
    expect(status.has('FENCED')).toBe(true);
    status.resolve('FENCED');
    expect(status.problems).toEqual([]);
  });

  it('publishes its state, failures by cause and runs, and drops its state series once stopped', async () => {
    const { status, registry } = setUp('acls/A->B');
    const metric = async (name: string) =>
      (await registry.getSingleMetric(name)!.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
    expect(await metric('mirrormaker_unit_state')).toEqual([{ labels: { unit: 'acls/A->B', state: 'starting' }, value: 1 }]);
    status.recordRun('acls', { durationMs: 250, failures: [], fatal: { failure: { ...denied, cause: 'UNREACHABLE' }, retryInMs: 1000 } });
    expect(await metric('mirrormaker_unit_state')).toEqual([{ labels: { unit: 'acls/A->B', state: 'retrying' }, value: 1 }]);
    expect(await metric('mirrormaker_unit_failures_total')).toEqual([{ labels: { unit: 'acls/A->B', cause: 'UNREACHABLE' }, value: 1 }]);
    expect(await metric('mirrormaker_unit_last_success_timestamp_seconds')).toEqual([]);
    status.recordRun('acls', { durationMs: 5, failures: [] });
    expect(await metric('mirrormaker_unit_last_success_timestamp_seconds')).toEqual([{ labels: { unit: 'acls/A->B', task: 'acls' }, value: 1000 }]);
    expect(await metric('mirrormaker_unit_state')).toEqual([{ labels: { unit: 'acls/A->B', state: 'in-sync' }, value: 1 }]);
    status.setStopped('lease revoked');
    expect(await metric('mirrormaker_unit_state')).toEqual([]);
  });
});
