import type { Problem } from './problems';

/** One `key=value` pair; `line` is the 1-based line on which its logical line starts. */
export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface ParsedProperties {
  /** Every pair in file order, duplicates included (the last one wins when read as a map). */
  readonly entries: PropertyEntry[];
  /** Malformed `\uXXXX` escapes; Java refuses the whole file for these, we keep going. */
  readonly problems: Problem[];
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\f';

/**
 * Reads text in `java.util.Properties.load` syntax: `=`, `:` or whitespace between key and value,
 * `#`/`!` comment lines, a line ending in an odd number of backslashes continues on the next line
 * (whose leading whitespace is dropped), and `\t \n \r \f \uXXXX` plus `\x` for any other x.
 *
 * MM2 loads its file as ISO-8859-1; the caller decodes bytes to text, so non-ASCII is best written
 * as `\uXXXX` to be read the same way by both.
 */
export function parseProperties(text: string): ParsedProperties {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  const problems: Problem[] = [];
  let index = 0;
  while (index < lines.length) {
    const startLine = index + 1;
    const first = stripLeadingBlanks(lines[index]!);
    index++;
    if (first === '' || first.startsWith('#') || first.startsWith('!')) {
      continue;
    }
    let logical = '';
    let segment = first;
    for (;;) {
      if (!endsWithOddBackslashes(segment)) {
        logical += segment;
        break;
      }
      logical += segment.slice(0, -1);
      if (index >= lines.length) {
        break;
      }
      segment = stripLeadingBlanks(lines[index]!);
      index++;
    }
    const { rawKey, rawValue } = splitKeyValue(logical);
    const found: Problem[] = [];
    const key = unescape(rawKey, startLine, found);
    const value = unescape(rawValue, startLine, found);
    for (const problem of found) problems.push({ ...problem, key });
    entries.push({ key, value, line: startLine });
  }
  return { entries, problems };
}

function stripLeadingBlanks(line: string): string {
  let i = 0;
  while (isBlank(line[i])) i++;
  return line.slice(i);
}

function endsWithOddBackslashes(segment: string): boolean {
  let count = 0;
  for (let i = segment.length - 1; i >= 0 && segment[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitKeyValue(line: string): { rawKey: string; rawValue: string } {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < line.length; keyEnd++) {
    const c = line[keyEnd]!;
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && isBlank(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  // After a whitespace separator one `=` or `:` may still follow, then more whitespace.
  while (valueStart < line.length) {
    const c = line[valueStart]!;
    if (!isBlank(c)) {
      if (!hasSeparator && (c === '=' || c === ':')) {
        hasSeparator = true;
      } else {
        break;
      }
    }
    valueStart++;
  }
  return { rawKey: line.slice(0, keyEnd), rawValue: line.slice(valueStart) };
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(raw: string, line: number, problems: Problem[]): string {
  if (!raw.includes('\\')) {
    return raw;
  }
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\' || i === raw.length - 1) {
      out += c;
      continue;
    }
    const next = raw[++i]!;
    if (next === 'u') {
      const hex = raw.slice(i + 1, i + 5);
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else {
        problems.push({
          severity: 'error',
          code: 'syntax',
          line,
          message: `malformed \\uXXXX escape "\\u${hex}"`,
          hint: 'write exactly four hexadecimal digits after \\u, or \\\\u for a literal backslash',
        });
        out += '\\u';
      }
      continue;
    }
    out += SIMPLE_ESCAPES[next] ?? next;
  }
  return out;
}

/** Writes pairs back in properties syntax so that `parseProperties` (and Java) read the same pairs. */
export function formatProperties(entries: ReadonlyArray<{ key: string; value: string }>): string {
  return entries.map(({ key, value }) => `${escapeKey(key)}=${escapeValue(value)}`).join('\n') + '\n';
}

/**
 * Gives the pairs that start on the given lines (1-based, as in `PropertyEntry.line`) new values and
 * keeps every other line of `text` as it was, comments and layout included.
 */
export function replacePropertyValues(text: string, valuesByLine: ReadonlyMap<number, string>): string {
  const byLine = new Map(parseProperties(text).entries.filter((e) => valuesByLine.has(e.line)).map((e) => [e.line, e]));
  // Odd indexes hold the line breaks, so the text comes back with the ones it had.
  const parts = text.replace(/^\uFEFF/, '').split(/(\r\n|\r|\n)/);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const entry = byLine.get(i / 2 + 1);
    if (entry === undefined) {
      out.push(parts[i]!, parts[i + 1] ?? '');
      continue;
    }
    out.push(formatProperties([{ key: entry.key, value: valuesByLine.get(entry.line)! }]).trimEnd());
    // Skip the continuation lines of the pair being replaced.
    while (endsWithOddBackslashes(parts[i]!) && i + 2 < parts.length) i += 2;
    out.push(parts[i + 1] ?? '');
  }
  return out.join('');
}

/** A `#` comment line block; each line of `text` becomes one comment line. */
export function formatComment(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '#' : `# ${line}`))
    .join('\n');
}

function escapeKey(key: string): string {
  return escape(key, true);
}

function escapeValue(value: string): string {
  return escape(value, false);
}

function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (isKey && (c === '=' || c === ':' || c === '#' || c === '!')) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
