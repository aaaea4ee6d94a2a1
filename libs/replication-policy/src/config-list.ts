// Java's `\s` and `String.trim()` differ from JavaScript's: only ASCII whitespace (and, for trim,
// every control character) counts.
const isJavaWhitespace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/**
 * Parses a comma-separated LIST config value the way Kafka's ConfigDef does: trim, an empty value is
 * an empty list, otherwise split on `\s*,\s*` keeping empty items (`a,` is `['a', '']`).
 *
 * Splits on the commas and strips each item instead of splitting by that regex: a regex engine
 * tries the `\s*` run again from every start position, so a long whitespace run without a comma
 * took quadratic time (minutes for a few hundred kilobytes).
 */
export function parseConfigList(value: string): string[] {
  const trimmed = javaTrim(value);
  return trimmed.length === 0 ? [] : trimmed.split(',').map(stripJavaWhitespace);
}

/** Java's `String.trim()`: strips every character up to U+0020, not Unicode whitespace. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.substring(start, end);
}

function stripJavaWhitespace(item: string): string {
  let start = 0;
  let end = item.length;
  while (start < end && isJavaWhitespace(item.charCodeAt(start))) start++;
  while (end > start && isJavaWhitespace(item.charCodeAt(end - 1))) end--;
  return item.substring(start, end);
}
