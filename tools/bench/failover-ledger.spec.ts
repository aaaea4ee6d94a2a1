import { holderIntervals, leaderIntervals, overlaps, parseLogLines, type LogEvent, type ProcessAction } from './failover-ledger';

const line = (at: number, msg: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level: 30, time: new Date(at).toISOString(), msg, ...extra });
const leads = (at: number): LogEvent => ({ at, msg: 'this coordinator replica leads' });
const lost = (at: number): LogEvent => ({ at, msg: 'this coordinator replica no longer leads' });

describe('parseLogLines', () => {
  it('reads the time, message, unit and term of JSON lines and skips the rest', () => {
    const text = ['not json', line(1000, 'unit granted', { unit: 'partition/t/0', epoch: '3' }), line(2000, 'this coordinator replica leads', { term: 4 }), '{broken'].join('\n');
    expect(parseLogLines(text)).toEqual([
      { at: 1000, msg: 'unit granted', unit: 'partition/t/0', epoch: '3' },
      { at: 2000, msg: 'this coordinator replica leads', term: 4 },
    ]);
  });
});

describe('leaderIntervals', () => {
  it('ends a leader at its kill and finds no overlap when the next leads afterwards', () => {
    const logs = new Map([
      ['a', [leads(100)]],
      ['b', [leads(5000)]],
    ]);
    const actions: ProcessAction[] = [{ replica: 'a', kind: 'kill', at: 2000 }];
    const intervals = leaderIntervals(logs, actions, 9000);
    expect(intervals.map((i) => [i.owner, i.from, i.to, i.endedBy])).toEqual([
      ['a', 100, 2000, 'killed'],
      ['b', 5000, 9000, 'end of run'],
    ]);
    expect(overlaps(intervals)).toEqual([]);
  });

  it('does not let a paused leader act again after another led during its pause', () => {
    const logs = new Map([
      ['a', [leads(100), lost(40_000)]],
      ['b', [leads(8000)]],
    ]);
    const actions: ProcessAction[] = [
      { replica: 'a', kind: 'stop', at: 2000 },
      { replica: 'a', kind: 'cont', at: 32_000 },
    ];
    const intervals = leaderIntervals(logs, actions, 50_000);
    expect(intervals.map((i) => [i.owner, i.from, i.to])).toEqual([
      ['a', 100, 2000],
      ['b', 8000, 50_000],
    ]);
    expect(overlaps(intervals)).toEqual([]);
  });

  it('lets a paused leader lead on after its resume when nobody else led', () => {
    const intervals = leaderIntervals(new Map([['a', [leads(100)]]]), [
      { replica: 'a', kind: 'stop', at: 2000 },
      { replica: 'a', kind: 'cont', at: 3000 },
    ], 5000);
    expect(intervals.map((i) => [i.from, i.to])).toEqual([
      [100, 2000],
      [3000, 5000],
    ]);
  });

  it('reports two replicas leading at once', () => {
    const found = overlaps(leaderIntervals(new Map([
      ['a', [leads(100), lost(3000)]],
      ['b', [leads(2500)]],
    ]), [], 9000));
    expect(found.map((o) => [o.subject, o.a.owner, o.b.owner, o.at, o.ms])).toEqual([['leader', 'a', 'b', 2500, 500]]);
  });
});

describe('holderIntervals', () => {
  const u = 'partition/t/0';
  it('holds a unit from its grant to its stop line, and open ones to the end', () => {
    const events: LogEvent[] = [
      { at: 10, msg: 'unit granted', unit: u, epoch: '1' },
      { at: 12, msg: 'partition unit starting', unit: u },
      { at: 50, msg: 'partition unit stopped', unit: u },
      { at: 60, msg: 'unit granted', unit: u, epoch: '2' },
      { at: 70, msg: 'unit granted', unit: 'partition/t/1', epoch: '1' },
      { at: 80, msg: 'unit failed to start; releasing it', unit: 'partition/t/1' },
    ];
    expect(holderIntervals('dm-1', events, 100).map((i) => [i.subject, i.from, i.to])).toEqual([
      [u, 10, 50],
      ['partition/t/1', 70, 80],
      [u, 60, 100],
    ]);
  });

  it('finds a unit held by two workers at once, not one handed over in order', () => {
    const one = holderIntervals('dm-1', [{ at: 10, msg: 'unit granted', unit: u }, { at: 50, msg: 'partition unit stopped', unit: u }], 100);
    const fine = holderIntervals('dm-2', [{ at: 50, msg: 'unit granted', unit: u }], 100);
    expect(overlaps([...one, ...fine])).toEqual([]);
    const early = holderIntervals('dm-2', [{ at: 40, msg: 'unit granted', unit: u }], 100);
    expect(overlaps([...one, ...early]).map((o) => [o.a.owner, o.b.owner, o.ms])).toEqual([['dm-1', 'dm-2', 10]]);
  });
});
