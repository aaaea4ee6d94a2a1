/**
 * Decides which occurrences of a repeating condition get a log line: the first one of each key at
 * once, then at most one per `intervalMs`, carrying how many occurred since the last line. Those
 * in between are only counted (metrics count every one). No timer: a count still unwritten when
 * the condition stops shows in the metric, not in the log.
 */
export interface RepeatLine {
  /** Occurrences this line stands for: this one and those held back since the previous line. */
  occurrences: number;
  /** Time since the previous line of the key; absent on its first. */
  sinceMs?: number;
}

export class RepeatThrottle {
  private readonly seen = new Map<string, { unreported: number; lastLineAt: number }>();

  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A line to write for this occurrence of `key`, or undefined while the key is held back. */
  admit(key: string): RepeatLine | undefined {
    const at = this.now();
    const seen = this.seen.get(key);
    if (seen && at - seen.lastLineAt < this.intervalMs) {
      seen.unreported += 1;
      return undefined;
    }
    this.seen.set(key, { unreported: 0, lastLineAt: at });
    return seen ? { occurrences: seen.unreported + 1, sinceMs: at - seen.lastLineAt } : { occurrences: 1 };
  }
}
