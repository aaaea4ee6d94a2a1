/**
 * Every process the benchmark starts (Java tools, Apache MM2, our services) is registered here, so
 * that an error, Ctrl-C or a normal end stops all of them. Brokers are stopped by their own
 * KafkaCluster objects (see run.ts / bench.ts).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Resolves once the process has exited (with its exit code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Started>();
let aborting = false;

/** After Ctrl-C: no new process starts, and checkNotAborted() throws. */
export function abortAll(): void {
  aborting = true;
}

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Throws Interrupted once abortAll() was called (checked between the benchmark's steps). */
export function checkNotAborted(): void {
  if (aborting) throw new Interrupted();
}

export interface StartOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** File that receives stdout and stderr (appended). Without it, output is collected in memory. */
  logFile?: string;
  /** Called with every chunk of stdout (also when logFile is set). */
  onStdout?: (chunk: string) => void;
}

/** Starts a process in the registry. Throws if it cannot be spawned. */
export function startProcess(name: string, command: string, args: string[], options: StartOptions = {}): Started {
  checkNotAborted();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`cannot start ${name} (${command})`);
  let sink: WriteStream | undefined;
  if (options.logFile) {
    sink = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout?.pipe(sink, { end: false });
    child.stderr?.pipe(sink, { end: false });
  }
  if (options.onStdout) child.stdout?.on('data', (d: Buffer) => options.onStdout?.(d.toString()));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(() => {
    running.delete(started);
    // Let the pipes drain before closing the log.
    setTimeout(() => sink?.end(), 100);
  });
  const started: Started = {
    name,
    child,
    pid: child.pid,
    exited,
    hasExited: () => done,
    stop: async (graceMs = 15_000) => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!done) child.kill('SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(started);
  return started;
}

/** Stops every registered process that is still running (in parallel). */
export async function stopAllProcesses(graceMs = 15_000): Promise<void> {
  await Promise.allSettled([...running].map((p) => p.stop(graceMs)));
}

/** Last resort on process exit: SIGKILL whatever is still registered (synchronous). */
export function killAllProcessesNow(): void {
  for (const p of running) {
    try {
      p.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** "<name> exited (see its log)" for the first of `processes` that has exited; undefined while all run. */
export function exitedProcess(processes: readonly Started[]): string | undefined {
  const gone = processes.find((p) => p.hasExited());
  return gone ? `${gone.name} exited (see its log)` : undefined;
}

/** Names and pids of the registered processes still running (for diagnostics and tests). */
export function runningProcesses(): { name: string; pid: number }[] {
  return [...running].map((p) => ({ name: p.name, pid: p.pid }));
}

const cleanups = new Set<() => Promise<void>>();

/** Registers something to undo at the end or on Ctrl-C (e.g. stopping the clusters); returns an unregister function. */
export function onCleanup(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Stops every registered process, then runs the registered cleanups (newest first). Never throws. */
export async function cleanupEverything(log: (m: string) => void = () => undefined): Promise<void> {
  await stopAllProcesses();
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    await fn().catch((err: Error) => log(`cleanup: ${err.message}`));
  }
}

/** Waits until `done()` holds; throws on a failure or when `timeoutMs` has passed. */
export async function waitUntil(done: () => boolean, timeoutMs: number, failure: () => string | undefined, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    checkNotAborted();
    const why = failure();
    if (why) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`${what} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
