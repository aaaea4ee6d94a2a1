import { PeriodicLoop } from './periodic-loop';

describe('PeriodicLoop', () => {
  it('runs the step again after the delay it returns', async () => {
    let runs = 0;
    const loop = new PeriodicLoop(async () => {
      runs += 1;
      return 5;
    }, jest.fn());
    loop.start();
    // Polled rather than timed: a loaded machine may run the steps late, never too often.
    for (let waited = 0; runs <= 2 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(await loop.stop(1000)).toBe(true);
    expect(runs).toBeGreaterThan(2);
  });

  it('wakes a waiting loop at once when stopped', async () => {
    const loop = new PeriodicLoop(async () => 60_000, jest.fn());
    loop.start();
    await new Promise((r) => setTimeout(r, 10));
    // The loop sleeps 60 s between steps: stopping within the 1 s bound means the sleep was cut short.
    expect(await loop.stop(1000)).toBe(true);
  });

  it('gives up waiting for a step that does not finish, and says so', async () => {
    const loop = new PeriodicLoop(() => new Promise<number>(() => undefined), jest.fn());
    loop.start();
    expect(await loop.stop(50)).toBe(false);
  });

  it('reports a step that throws and keeps going after the fallback delay', async () => {
    const onUnexpected = jest.fn();
    let runs = 0;
    const loop = new PeriodicLoop(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('boom');
        return 1000;
      },
      onUnexpected,
      5,
    );
    loop.start();
    await new Promise((r) => setTimeout(r, 50));
    await loop.stop(1000);
    expect(onUnexpected).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
    expect(runs).toBe(2);
  });
});
