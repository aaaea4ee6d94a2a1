/** Java `.properties` files: rendering (for server.properties & co.) and a small parser. */

export type PropertyValue = string | number | boolean;
export type Properties = Record<string, PropertyValue>;

function escapeChar(ch: string): string | undefined {
  switch (ch) {
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\f':
      return '\\f';
    default:
      return undefined;
  }
}

function unicodeEscape(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/** Escapes a key: backslashes, separators, comment characters, whitespace, control and non-ASCII characters. */
export function escapePropertyKey(key: string): string {
  let out = '';
  for (const unit of splitUnits(key)) {
    const code = unit.charCodeAt(0);
    const simple = escapeChar(unit);
    if (simple) out += simple;
    else if (unit === ' ' || unit === '=' || unit === ':' || unit === '#' || unit === '!') out += '\\' + unit;
    else if (code < 0x20 || code > 0x7e) out += unicodeEscape(code);
    else out += unit;
  }
  return out;
}

/**
 * Escapes a value. Separators (`=`, `:`) and `#` need no escaping after the key, which keeps values
 * such as JAAS configurations readable; a leading space would be dropped by Java, so it is escaped.
 * Java reads .properties files as ISO-8859-1, hence \uXXXX for anything outside printable ASCII.
 */
export function escapePropertyValue(value: string): string {
  let out = '';
  let first = true;
  for (const unit of splitUnits(value)) {
    const code = unit.charCodeAt(0);
    const simple = escapeChar(unit);
    if (simple) out += simple;
    else if (first && unit === ' ') out += '\\ ';
    else if (code < 0x20 || code > 0x7e) out += unicodeEscape(code);
    else out += unit;
    first = false;
  }
  return out;
}

/** UTF-16 code units, one string each (surrogate pairs become two \u escapes, as Java expects). */
function splitUnits(s: string): string[] {
  const units: string[] = [];
  for (let i = 0; i < s.length; i++) units.push(s[i] as string);
  return units;
}

/**
 * Renders properties in insertion order, one `key=value` per line, with optional leading comment
 * lines. Undefined values are skipped so optional settings can be written inline.
 */
export function renderProperties(props: Record<string, PropertyValue | undefined>, comments: string[] = []): string {
  const lines = comments.map((c) => `# ${c}`.trimEnd());
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    lines.push(`${escapePropertyKey(key)}=${escapePropertyValue(String(value))}`);
  }
  return lines.join('\n') + '\n';
}

/** Parses the subset of the .properties format that Kafka writes (meta.properties) and that renderProperties emits. */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    let line = (physical[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // Line continuation: an odd number of trailing backslashes.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + (physical[++i] as string).replace(/^[ \t\f]+/, '');
    }
    let k = 0;
    let key = '';
    while (k < line.length) {
      const ch = line[k] as string;
      if (ch === '\\' && k + 1 < line.length) {
        key += line.slice(k, k + 2);
        k += 2;
        continue;
      }
      if (ch === '=' || ch === ':' || ch === ' ' || ch === '\t' || ch === '\f') break;
      key += ch;
      k++;
    }
    let rest = line.slice(k).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    result[unescape(key)] = unescape(rest);
  }
  return result;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, esc: string) => {
    if (esc.length === 5) return String.fromCharCode(parseInt(esc.slice(1), 16));
    switch (esc) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'f':
        return '\f';
      default:
        return esc;
    }
  });
}
