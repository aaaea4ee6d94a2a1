import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../../..');

export interface SpawnedService {
  process: ChildProcess;
  /** Log lines parsed as JSON (non-JSON lines are kept as `{raw}`). */
  logs: Record<string, unknown>[];
  stderr: () => string;
  grpcPort: number;
  metricsPort: number;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

export interface ExitedService {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mainOf(app: string): string {
  return join(workspaceRoot, 'apps', app, 'src/main.ts');
}

/** Runs an app's main.ts as its own process (through tsx) and waits for its "started" log line. */
export function spawnService(app: string, args: string[], env: Record<string, string> = {}): Promise<SpawnedService> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainOf(app), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not log "started" within 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code} before starting; stderr: ${stderr}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { raw: line };
        }
        logs.push(entry);
        if (entry.msg === `${app} started`) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({
            process: child,
            logs,
            stderr: () => stderr,
            grpcPort: entry.grpcPort as number,
            metricsPort: entry.metricsPort as number,
            stop(signal = 'SIGTERM') {
              const began = Date.now();
              return new Promise((done) => {
                child.once('exit', (exitCode) => done({ code: exitCode, ms: Date.now() - began }));
                child.kill(signal);
              });
            },
          });
        }
      }
    });
  });
}

/** Runs an app expected to exit by itself (bad flags, unreadable config). */
export function runServiceToExit(app: string, args: string[], env: Record<string, string> = {}): Promise<ExitedService> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainOf(app), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}
