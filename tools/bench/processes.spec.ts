import { cleanupEverything, onCleanup, runningProcesses, startProcess, stopAllProcesses } from './processes';

describe('process registry', () => {
  it('stops every started process and runs the cleanups, newest first', async () => {
    const a = startProcess('sleeper-a', process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    // Ignores SIGTERM: must be killed after the grace period.
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((r) => (ready = r));
    const b = startProcess('sleeper-b', process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], {
      onStdout: () => ready(),
    });
    expect(runningProcesses().map((p) => p.name).sort()).toEqual(['sleeper-a', 'sleeper-b']);
    const order: string[] = [];
    onCleanup(async () => void order.push('first'));
    onCleanup(async () => {
      order.push('second');
      throw new Error('ignored');
    });
    await isReady;
    await stopAllProcesses(500);
    await cleanupEverything();
    expect(a.hasExited()).toBe(true);
    expect(b.hasExited()).toBe(true);
    expect((await b.exited).signal).toBe('SIGKILL');
    expect(runningProcesses()).toEqual([]);
    expect(order).toEqual(['second', 'first']);
  });
});
