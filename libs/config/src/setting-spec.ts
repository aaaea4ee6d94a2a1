import type { ProblemCode } from './problems';
import type { ValueParser } from './value-parsers';

/** A finding about a value that parsed fine but is questionable or unsupported. */
export interface ValueFinding {
  readonly severity: 'error' | 'warning';
  readonly code: ProblemCode;
  readonly message: string;
  readonly hint: string;
}

/** Schema, defaults and documentation of one typed key, kept together. */
export interface SettingSpec<T> {
  readonly key: string;
  readonly parse: ValueParser<T>;
  format(value: T): string;
  /** Further checks on a parsed value. */
  check?(value: T): ValueFinding[];
  /** MM2's default; absent for keys MM2 does not have. */
  readonly mm2Default?: T;
  /** The default we apply when the key is unset anywhere. */
  readonly defaultValue: T;
  /** Why `defaultValue` differs from `mm2Default`. */
  readonly reason?: string;
  /** True for keys MM2 does not have. */
  readonly ours?: boolean;
  /** Whether a top-level value is a default for every flow (MM2 drops some keys at top level). */
  readonly topLevel: boolean;
  /** MM2 release that introduced the key, when recent. */
  readonly since?: string;
  readonly doc: string;
}
