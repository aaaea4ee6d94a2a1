import type { ControlConnection, LiveOutput } from '@mirrormaker/operator-console';
import type { CommandLine } from './cli-options';

/** Where mirrorctl reads and writes; main.ts passes the process's, tests their own. */
export interface CliIo {
  stdout: LiveOutput;
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Ends `status --watch` (Ctrl-C). */
  signal?: AbortSignal;
  /** @default () => new Date() */
  now?: () => Date;
}

export interface CommandContext {
  line: CommandLine;
  control: ControlConnection;
  io: CliIo;
  now(): Date;
  /** Human output: lines to stdout. */
  print(lines: readonly string[]): void;
  /** --json output: one value, pretty-printed. */
  printJson(value: unknown): void;
  json: boolean;
}

export interface Command {
  /** The words that select it, e.g. ['flows', 'get']. */
  words: readonly string[];
  /** Positional arguments after the words, by name (for usage errors). */
  args: readonly string[];
  flags: readonly ('flow' | 'group' | 'partitions' | 'watch' | 'interval' | 'file' | 'dry-run' | 'set' | 'unset')[];
  run(ctx: CommandContext, args: string[]): Promise<void>;
}
