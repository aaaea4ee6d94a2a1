import { javaTrim, parseConfigList } from '@mirrormaker/replication-policy';
import type { ProblemCode } from './problems';

export { javaTrim };

/** Outcome of reading one config value: the typed value, or why it cannot be read. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: ProblemCode; readonly message: string; readonly hint: string };

export type ValueParser<T> = (text: string) => Parsed<T>;

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = <T>(message: string, hint: string, code: ProblemCode = 'invalid-value'): Parsed<T> => ({
  ok: false,
  code,
  message,
  hint,
});

/** Kafka LIST: trimmed, empty means no items, else split on commas keeping empty items. */
export const parseList = parseConfigList;

export function formatList(items: readonly string[]): string {
  return items.join(',');
}

export const parseBoolean: ValueParser<boolean> = (text) => {
  const trimmed = javaTrim(text).toLowerCase();
  if (trimmed === 'true') return ok(true);
  if (trimmed === 'false') return ok(false);
  return fail(`"${text}" is not a boolean`, 'write true or false');
};

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
  /** Used in messages: "an interval in seconds", "a replication factor". */
  readonly what: string;
  readonly code?: ProblemCode;
  /** Values allowed even though they are below `min` (e.g. -1 for "broker default"). */
  readonly alsoAllowed?: readonly number[];
}

const JAVA_LONG_MAX = 9223372036854775807n;

/** Kafka INT/SHORT/LONG: optional sign and decimal digits, then the range check. */
export function integerParser(range: IntegerRange): ValueParser<number> {
  return (text) => {
    const trimmed = javaTrim(text);
    const code = range.code ?? 'invalid-value';
    if (!/^[+-]?\d+$/.test(trimmed)) {
      return fail(`"${text}" is not a whole number (expected ${range.what})`, hintFor(range), code);
    }
    const big = BigInt(trimmed);
    if (big > JAVA_LONG_MAX || big < -JAVA_LONG_MAX - 1n || big > BigInt(Number.MAX_SAFE_INTEGER)) {
      return fail(`${trimmed} is too large for ${range.what}`, hintFor(range), code);
    }
    const value = Number(big);
    if ((value < range.min || value > range.max) && !(range.alsoAllowed ?? []).includes(value)) {
      return fail(`${value} is out of range for ${range.what}`, hintFor(range), code);
    }
    return ok(value);
  };
}

function hintFor(range: IntegerRange): string {
  const extra = (range.alsoAllowed ?? []).map(String);
  const bounds =
    range.max >= Number.MAX_SAFE_INTEGER ? `a whole number >= ${range.min}` : `a whole number from ${range.min} to ${range.max}`;
  return extra.length === 0 ? `use ${bounds}` : `use ${bounds}, or ${extra.join(' or ')}`;
}

export const parseString: ValueParser<string> = (text) => ok(javaTrim(text));

/** A value from a fixed set, compared case-insensitively, returned in the set's spelling. */
export function choiceParser<T extends string>(choices: readonly T[], caseSensitive = false): ValueParser<T> {
  return (text) => {
    const trimmed = javaTrim(text);
    const found = choices.find((c) => (caseSensitive ? c === trimmed : c.toLowerCase() === trimmed.toLowerCase()));
    return found === undefined
      ? fail(`"${text}" is not one of ${choices.join(', ')}`, `use one of: ${choices.join(', ')}`)
      : ok(found);
  };
}

/** Parses a class name that must be one of the given classes (full or simple name). */
export function classParser(allowed: readonly string[], what: string): ValueParser<string> {
  return (text) => {
    const trimmed = javaTrim(text);
    const match = allowed.find((name) => name === trimmed || simpleName(name) === trimmed);
    return match === undefined
      ? fail(
          `${what} "${trimmed}" is not available: custom Java classes cannot be loaded here`,
          `remove the key or set it to ${allowed.join(' or ')}`,
          'unsupported-class',
        )
      : ok(match);
  };
}

export function simpleName(className: string): string {
  const dot = className.lastIndexOf('.');
  return dot === -1 ? className : className.slice(dot + 1);
}
