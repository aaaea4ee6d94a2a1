import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the initial delay up to the maximum', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads delays by the jitter fraction and never exceeds the maximum', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2 }, () => 0);
    const high = new Backoff({ initialMs: 1000, maxMs: 5000, jitter: 0.2 }, () => 1);
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
  });
});
