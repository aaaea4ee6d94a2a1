// Java's `\s` and `String.trim()` differ from JavaScript's: only ASCII whitespace (and, for trim,
// every control character) counts.
const JAVA_COMMA_WITH_WHITESPACE = /[ \t\n\x0B\f\r]*,[ \t\n\x0B\f\r]*/;

/**
 * Parses a comma-separated LIST config value the way Kafka's ConfigDef does: trim, an empty value is
 * an empty list, otherwise split on `\s*,\s*` keeping empty items (`a,` is `['a', '']`).
 */
export function parseConfigList(value: string): string[] {
  const trimmed = javaTrim(value);
  return trimmed.length === 0 ? [] : trimmed.split(JAVA_COMMA_WITH_WHITESPACE);
}

function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.substring(start, end);
}
