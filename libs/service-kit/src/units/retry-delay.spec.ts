import { Backoff } from '../backoff';
import { nextDelayMs } from './retry-delay';

const noJitter = () => new Backoff({ initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0 });

describe('nextDelayMs', () => {
  it('waits the interval after a success and starts the backoff over', () => {
    const backoff = noJitter();
    nextDelayMs({ ok: false, retriable: true }, 30_000, backoff);
    expect(nextDelayMs({ ok: true }, 30_000, backoff)).toBe(30_000);
    expect(backoff.attempts).toBe(0);
  });

  it('retries a cluster that is down with growing delays, sooner than a long interval', () => {
    const backoff = noJitter();
    const delays = [1, 2, 3, 4].map(() => nextDelayMs({ ok: false, retriable: true }, 30_000, backoff));
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never retries a failure that needs a fix faster than the interval', () => {
    const backoff = noJitter();
    const delays = [1, 2, 3, 4, 5, 6, 7].map(() => nextDelayMs({ ok: false, retriable: false }, 10_000, backoff));
    expect(delays).toEqual([10_000, 10_000, 10_000, 10_000, 16_000, 32_000, 60_000]);
  });
});
