import { eventually, sleep } from '@mirrormaker/testing';
import { PeriodicLoop } from './periodic-loop';

// Polled rather than timed: on a loaded machine rounds may come late, but never early.
const quickly = { timeoutMs: 5_000, intervalMs: 5 };

describe('PeriodicLoop.fixedRate', () => {
  it('runs the first round at once and then once per interval', async () => {
    let rounds = 0;
    const loop = PeriodicLoop.fixedRate(
      40,
      async () => {
        rounds += 1;
      },
      () => undefined,
    );
    loop.start();
    await eventually('the first round', () => rounds >= 1, quickly);
    expect(rounds).toBe(1);
    await eventually('the second round', () => rounds >= 2, quickly);
    expect(rounds).toBe(2);
    expect(await loop.stop(100)).toBe(true);
  });

  it('reports a failing round and keeps going', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    const loop = PeriodicLoop.fixedRate(
      10,
      async () => {
        rounds += 1;
        if (rounds === 1) throw new Error('boom');
      },
      (err) => errors.push(err),
    );
    loop.start();
    await eventually('a round after the failing one', () => rounds > 1, quickly);
    await loop.stop(100);
    expect(errors).toHaveLength(1);
    expect(rounds).toBeGreaterThan(1);
  });

  it('wakes a waiting loop on stop and runs no round after it', async () => {
    let rounds = 0;
    const loop = PeriodicLoop.fixedRate(
      60_000,
      async () => {
        rounds += 1;
      },
      () => undefined,
    );
    loop.start();
    await sleep(5);
    expect(await loop.stop(1000)).toBe(true);
    expect(loop.stopped).toBe(true);
    expect(rounds).toBe(1);
  });

  it('reports a round that outlives the stop bound', async () => {
    let release!: () => void;
    const loop = PeriodicLoop.fixedRate(
      10,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      () => undefined,
    );
    loop.start();
    await sleep(5);
    expect(await loop.stop(20)).toBe(false);
    release();
  });
});
