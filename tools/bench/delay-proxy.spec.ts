import { DelayLine, type DelayClock } from './delay-proxy';

/** A clock that moves only when the test says so. */
class ManualClock implements DelayClock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now(): number {
    return this.t;
  }
  schedule(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => (timer.live = false);
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      next.live = false;
      next.fn();
    }
    this.t = end;
    this.timers = this.timers.filter((x) => x.live);
  }
}

function recorder(clock: ManualClock, accept: () => boolean = () => true) {
  const out: Array<{ at: number; data: string }> = [];
  let ended: number | undefined;
  return {
    out,
    ended: () => ended,
    sink: {
      write: (chunk: Buffer) => {
        out.push({ at: clock.now(), data: chunk.toString() });
        return accept();
      },
      end: () => (ended = clock.now()),
    },
  };
}

describe('DelayLine', () => {
  it('passes every chunk on delayMs after it arrived, in arrival order, and the end after them', () => {
    const clock = new ManualClock();
    const r = recorder(clock);
    const line = new DelayLine(r.sink, { delayMs: 25, clock, onPause: () => undefined });
    line.push(Buffer.from('a'));
    clock.advance(10);
    line.push(Buffer.from('b'));
    line.push(Buffer.from('c'));
    clock.advance(14);
    expect(r.out).toEqual([]);
    clock.advance(1);
    expect(r.out).toEqual([{ at: 25, data: 'a' }]);
    line.end();
    clock.advance(100);
    expect(r.out).toEqual([
      { at: 25, data: 'a' },
      { at: 35, data: 'b' },
      { at: 35, data: 'c' },
    ]);
    expect(r.ended()).toBe(50);
    expect(line.forwardedBytes).toBe(3);
    expect(line.queuedBytes).toBe(0);
  });

  it('pauses the source while the sink is full and holds later chunks until it drains', () => {
    const clock = new ManualClock();
    let full = true;
    const r = recorder(clock, () => !full);
    const pauses: boolean[] = [];
    const line = new DelayLine(r.sink, { delayMs: 25, clock, onPause: (p) => pauses.push(p) });
    line.push(Buffer.from('a'));
    line.push(Buffer.from('b'));
    clock.advance(30);
    // 'a' went out and filled the sink: 'b' waits, the source is paused.
    expect(r.out.map((o) => o.data)).toEqual(['a']);
    expect(pauses).toEqual([true]);
    clock.advance(20);
    full = false;
    line.drained();
    expect(r.out).toEqual([
      { at: 25, data: 'a' },
      { at: 50, data: 'b' },
    ]);
    expect(pauses).toEqual([true, false]);
  });

  it('pauses the source past maxQueuedBytes waiting, and resumes once they went out', () => {
    const clock = new ManualClock();
    const r = recorder(clock);
    const pauses: boolean[] = [];
    const line = new DelayLine(r.sink, { delayMs: 25, maxQueuedBytes: 4, clock, onPause: (p) => pauses.push(p) });
    line.push(Buffer.from('abc'));
    expect(pauses).toEqual([]);
    line.push(Buffer.from('de'));
    expect(pauses).toEqual([true]);
    clock.advance(25);
    expect(pauses).toEqual([true, false]);
    expect(r.out.map((o) => o.data).join('')).toBe('abcde');
  });

  it('drops what it holds when closed', () => {
    const clock = new ManualClock();
    const r = recorder(clock);
    const line = new DelayLine(r.sink, { delayMs: 25, clock, onPause: () => undefined });
    line.push(Buffer.from('a'));
    line.close();
    clock.advance(100);
    expect(r.out).toEqual([]);
  });
});
