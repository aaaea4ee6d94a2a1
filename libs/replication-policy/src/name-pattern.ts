import { parseConfigList } from './config-list';
import { ReplicationPolicyError } from './errors';

/** A filter list value: already split items, or the raw comma-separated config string. */
export type PatternList = readonly string[] | string;

/**
 * Compiles MM2 filter items into one regex: items joined with `|`, matched against the whole name.
 * Returns null for an empty list, which MM2 treats as "matches nothing".
 */
export function compileNamePattern(list: PatternList): RegExp | null {
  const items = typeof list === 'string' ? parseConfigList(list) : list;
  if (items.length === 0) {
    return null;
  }
  const source = items.join('|');
  const translated = javaRegexToJavaScript(source);
  try {
    return new RegExp(`^(?:${translated})$`);
  } catch (cause) {
    throw new ReplicationPolicyError('INVALID_PATTERN', `Invalid filter pattern '${source}'`, { cause });
  }
}

/** A null pattern (empty list) matches no name. */
export function matchesWholeName(pattern: RegExp | null, name: string): boolean {
  return pattern !== null && pattern.test(name);
}

// Escapes that mean something else (or nothing) in a JavaScript regex without the `u` flag.
const UNSUPPORTED_ESCAPES = new Set(['A', 'Z', 'z', 'G', 'R', 'X', 'h', 'H', 'v', 'V', 'p', 'P', 'e', 'a', 'N']);

/**
 * Rewrites the parts of Java regex syntax that JavaScript would accept but read differently.
 * `\Q…\E` quoting is translated; Java-only escapes and nested or intersected character classes are
 * rejected so that a filter never silently matches other names than under MM2. Java-only constructs
 * JavaScript cannot parse at all (possessive quantifiers, inline flags, atomic groups) fail in
 * `new RegExp`.
 */
function javaRegexToJavaScript(source: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) {
        throw unsupported(source, 'a trailing backslash');
      }
      if (next === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const literal = source.substring(i + 2, end === -1 ? source.length : end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? source.length : end + 2;
        continue;
      }
      if (UNSUPPORTED_ESCAPES.has(next)) {
        throw unsupported(source, `the escape \\${next}`);
      }
      out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[') {
        throw unsupported(source, 'a nested character class');
      }
      if (c === '&' && source[i + 1] === '&') {
        throw unsupported(source, 'a character class intersection');
      }
      if (c === ']') {
        inClass = false;
      }
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i++;
      // In Java a `]` right after `[` or `[^` is a literal, in JavaScript it closes an empty class.
      if (source[i] === '^') {
        out += '^';
        i++;
      }
      if (source[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function unsupported(source: string, what: string): ReplicationPolicyError {
  return new ReplicationPolicyError(
    'UNSUPPORTED_PATTERN',
    `Filter pattern '${source}' uses ${what}, which has no equivalent here`,
  );
}
