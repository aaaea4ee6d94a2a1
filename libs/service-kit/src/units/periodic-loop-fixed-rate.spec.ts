import { PeriodicLoop } from './periodic-loop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Polled rather than timed: on a loaded machine rounds may come late, but never early.
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 5000; waited += 5) await sleep(5);
}

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
    const began = Date.now();
    loop.start();
    await until(() => rounds >= 1);
    expect(rounds).toBe(1);
    await until(() => rounds >= 2);
    expect(rounds).toBe(2);
    expect(Date.now() - began).toBeGreaterThanOrEqual(35);
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
    await until(() => rounds > 1);
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
    const began = Date.now();
    expect(await loop.stop(1000)).toBe(true);
    expect(Date.now() - began).toBeLessThan(500);
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
