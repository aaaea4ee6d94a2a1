import type { Problem } from './problems';

/** One key/value as read, from a properties line (`line`) or from JSON (no line). */
export interface SourceEntry {
  readonly key: string;
  readonly value: string;
  readonly line?: number;
}

/** A parsed value and the line it came from. */
export type Located<T> = { readonly value: T; readonly line: number | undefined };

export type Report = (problem: Problem) => void;
