/** Small process, port and file helpers (Linux first; degrade gracefully elsewhere). */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createServer } from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when a process with this pid exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/** The command line of a process (Linux /proc), or undefined when it cannot be read. */
export function processCommandLine(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return undefined;
  }
}

/** Waits until the process is gone; false on timeout. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** The last `count` lines of a text file ('' when missing); reads at most the last 256 KiB. */
export function tailFile(path: string, count: number): string {
  if (!existsSync(path)) return '';
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** The last `count` lines of a string. */
export function tailText(text: string, count: number): string {
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines.slice(-count).join('\n');
}

/** True when nothing listens on host:port (we can bind it ourselves). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The kernel's range for outgoing connections' local ports (Linux), else the usual default. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo && hi && lo <= hi) return [lo, hi];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

export interface FreePortOptions {
  host?: string;
  /** Ports never to hand out (e.g. the fixed ports of the CLI clusters). */
  avoid?: readonly number[];
}

/** A port on host that was free a moment ago. */
export async function freePort(options: FreePortOptions = {}): Promise<number> {
  const [port] = await freePorts(1, options);
  return port as number;
}

/**
 * `count` distinct ports that are free right now, held open until all are chosen. They are picked
 * at random below the kernel's ephemeral range, so that a client connection made in the seconds
 * before a broker binds its port cannot take it as its local port. Falls back to kernel-chosen
 * ports when that range is too small.
 */
export async function freePorts(count: number, options: FreePortOptions = {}): Promise<number[]> {
  const host = options.host ?? '127.0.0.1';
  const avoid = new Set(options.avoid ?? []);
  const [ephemeralLow] = ephemeralPortRange();
  const min = 20000;
  const max = ephemeralLow - 1;
  const servers: ReturnType<typeof createServer>[] = [];
  const ports: number[] = [];
  const listen = (port: number): Promise<ReturnType<typeof createServer> | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(undefined));
      server.listen({ port, host, exclusive: true }, () => resolve(server));
    });
  try {
    for (let attempt = 0; ports.length < count && attempt < count * 50; attempt++) {
      const candidate = max - min > 1000 ? min + Math.floor(Math.random() * (max - min)) : 0;
      if (candidate !== 0 && (avoid.has(candidate) || ports.includes(candidate))) continue;
      const server = await listen(candidate);
      if (!server) continue;
      const address = server.address();
      servers.push(server);
      if (address !== null && typeof address !== 'string' && !avoid.has(address.port)) ports.push(address.port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
  if (ports.length < count) throw new Error(`could not find ${count} free ports on ${host}`);
  return ports;
}
