import { readFile } from 'node:fs/promises';
import { formatProblems } from '@mirrormaker/config';
import type { Logger, Registry } from '@mirrormaker/observability';
import { Backoff, nextDelayMs, PeriodicLoop } from '@mirrormaker/service-kit';
import { Counter, Gauge } from 'prom-client';
import { isConfigRejected } from './config-rejected';

export interface ConfigFileWatchOptions {
  /** The `--config` file. */
  path: string;
  /** The text read at start; only a different text counts as an edit. */
  initialText: string;
  /** Validates, stores and applies an edit exactly as ApplyConfig does; rejects with ConfigRejected when invalid. */
  apply(text: string): Promise<{ revision: { revision: number } }>;
  /** The revision in force, named when an edit is refused. */
  currentRevision(): number | undefined;
  logger: Logger;
  metrics: Registry;
  /** How often the file is read. @default 2000 */
  intervalMs?: number;
  /** Retry pace while the file cannot be read or the edit cannot be stored. */
  backoff?: Backoff;
  /** Reads the file (tests script what a tool writing it leaves in between). @default fs.readFile */
  read?: (path: string) => Promise<string>;
}

/** The wait before a changed text is read again to see that it stays (at most the interval). */
export const SETTLE_MS = 250;

type EditOutcome = 'applied' | 'rejected' | 'store_failed' | 'unreadable';

/**
 * Follows edits of the `--config` file under a running coordinator. The file is read every interval
 * (editors and config management tools often replace a file instead of writing it, which file
 * watches miss) and compared with the text last handled. A changed text goes through the same path
 * as ApplyConfig: a valid one becomes a new revision; an invalid one is logged as an error naming
 * the file and every problem with its fix, counted, and the current revision keeps running. Writing
 * the same text again is no edit, so a tool that rewrites the file does not undo API changes.
 *
 * A changed text counts only once it reads the same twice, `SETTLE_MS` apart: a tool that writes
 * the file in place (truncate, then write) can be caught in between, and an empty or cut-off file
 * could be a valid config with flows missing, which would stop them until the next read.
 */
export class ConfigFileWatch {
  private readonly loop: PeriodicLoop;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly backoff: Backoff;
  private readonly edits: Counter<'outcome'>;
  private readonly refused: Gauge;
  private readonly read: (path: string) => Promise<string>;
  private handled: string;
  /** A changed text read once, applied if the next read (SETTLE_MS later) gives it again. */
  private settling: string | undefined;

  constructor(private readonly options: ConfigFileWatchOptions) {
    this.log = options.logger.child({ component: 'config-file-watch', file: options.path });
    this.intervalMs = options.intervalMs ?? 2000;
    this.backoff = options.backoff ?? new Backoff({ initialMs: 500, maxMs: 30_000 });
    this.read = options.read ?? ((path) => readFile(path, 'utf8'));
    this.handled = options.initialText;
    const registers = [options.metrics];
    this.edits = new Counter({
      name: 'mirrormaker_coordinator_config_file_edits_total',
      help: 'Edits of the --config file seen by the coordinator, by outcome (applied, rejected, store_failed, unreadable).',
      labelNames: ['outcome'],
      registers,
    });
    this.refused = new Gauge({
      name: 'mirrormaker_coordinator_config_file_refused',
      help: '1 while the --config file holds an edit that was refused, so the file and the running config differ.',
      registers,
    });
    this.loop = new PeriodicLoop(
      (signal) => this.step(signal),
      (err) => this.log.error({ err: (err as Error).message }, 'watching the config file failed unexpectedly; trying again'),
      this.intervalMs,
    );
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop(5_000);
  }

  private count(outcome: EditOutcome): void {
    this.edits.inc({ outcome });
  }

  private async step(signal: AbortSignal): Promise<number> {
    const { path } = this.options;
    let text: string;
    try {
      text = await this.read(path);
    } catch (err) {
      this.count('unreadable');
      const delay = nextDelayMs({ ok: false, retriable: true }, this.intervalMs, this.backoff);
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      this.log.warn({ retryInMs: delay }, `cannot read the config file ${path} (${why}); keeping the running config, check that the file exists and the coordinator may read it`);
      return delay;
    }
    if (text === this.handled) {
      this.settling = undefined;
      return nextDelayMs({ ok: true }, this.intervalMs, this.backoff);
    }
    if (text !== this.settling) {
      this.settling = text;
      return Math.min(SETTLE_MS, this.intervalMs);
    }
    try {
      const { revision } = await this.options.apply(text);
      this.handled = text;
      this.settling = undefined;
      this.count('applied');
      this.refused.set(0);
      this.log.info({ revision: revision.revision }, `the config file ${path} was edited: stored and applied as revision ${revision.revision}`);
      return nextDelayMs({ ok: true }, this.intervalMs, this.backoff);
    } catch (err) {
      if (signal.aborted) return 0;
      if (isConfigRejected(err)) {
        // Handled: the same broken text is reported once, not every interval.
        this.handled = text;
        this.settling = undefined;
        this.count('rejected');
        this.refused.set(1);
        const running = this.options.currentRevision();
        this.log.error(
          { problems: err.problems.length, revision: running },
          `the config file ${path} was edited but the edit is refused; still running revision ${running ?? '(none)'}. ` +
            `Fix the file (each problem names its fix) and save it again:\n${formatProblems(err.problems)}`,
        );
        return nextDelayMs({ ok: true }, this.intervalMs, this.backoff);
      }
      this.count('store_failed');
      const delay = nextDelayMs({ ok: false, retriable: true }, this.intervalMs, this.backoff);
      this.log.warn({ retryInMs: delay, err: (err as Error).message }, `the config file ${path} was edited but the new revision could not be stored yet; retrying`);
      return delay;
    }
  }
}
