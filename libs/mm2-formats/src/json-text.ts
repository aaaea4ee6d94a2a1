// Just enough JSON for Connect offset records: a strict parser that keeps number literals as text
// (offsets are INT64 and must survive past 2^53) and a writer that escapes strings like the Jackson
// generator behind Connect's JsonConverter, so written keys are byte-identical to Java's.

export class JsonNumberText {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumberText | JsonValue[] | Map<string, JsonValue>;

const MAX_DEPTH = 32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses UTF-8 JSON; undefined when the text is not valid JSON. */
export function parseJson(bytes: Uint8Array): JsonValue | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const parser = new Parser(text.startsWith('\uFEFF') ? text.substring(1) : text);
  try {
    const value = parser.value(0);
    parser.skipWhitespace();
    return parser.atEnd() ? value : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) {
      return undefined;
    }
    throw error;
  }
}

/** The value as a plain INT64 literal (no fraction or exponent), else null. */
export function int64Of(value: JsonValue | undefined): bigint | null {
  if (!(value instanceof JsonNumberText) || !/^-?(?:0|[1-9]\d*)$/.test(value.text)) {
    return null;
  }
  const parsed = BigInt(value.text);
  return parsed >= INT64_MIN && parsed <= INT64_MAX ? parsed : null;
}

export function stringOf(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

export function writeJsonString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const c = value[i]!;
    if (c === '"' || c === '\\') {
      out += '\\' + c;
    } else if (code < 0x20 || (code >= 0xd800 && code <= 0xdfff)) {
      out += SHORT_ESCAPES.get(code) ?? '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
    } else {
      out += c;
    }
  }
  return out + '"';
}

const SHORT_ESCAPES = new Map([
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
]);

const READ_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at === this.text.length;
  }

  skipWhitespace(): void {
    while (this.at < this.text.length && ' \t\n\r'.includes(this.text[this.at]!)) {
      this.at++;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) {
      throw new SyntaxError('nested too deeply');
    }
    this.skipWhitespace();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (this.literal('true')) return true;
    if (this.literal('false')) return false;
    if (this.literal('null')) return null;
    throw new SyntaxError(`unexpected input at ${this.at}`);
  }

  private object(depth: number): Map<string, JsonValue> {
    const members = new Map<string, JsonValue>();
    this.at++;
    this.skipWhitespace();
    if (this.eat('}')) return members;
    do {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') throw new SyntaxError(`expected a member name at ${this.at}`);
      const name = this.string();
      this.skipWhitespace();
      this.expect(':');
      members.set(name, this.value(depth + 1));
      this.skipWhitespace();
    } while (this.eat(','));
    this.expect('}');
    return members;
  }

  private array(depth: number): JsonValue[] {
    const items: JsonValue[] = [];
    this.at++;
    this.skipWhitespace();
    if (this.eat(']')) return items;
    do {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
    } while (this.eat(','));
    this.expect(']');
    return items;
  }

  private string(): string {
    let out = '';
    this.at++;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined || c < ' ') throw new SyntaxError('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escape = this.text[this.at++];
      if (escape === 'u') {
        const hex = this.text.substring(this.at, this.at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new SyntaxError('bad unicode escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 4;
      } else if (escape !== undefined && Object.hasOwn(READ_ESCAPES, escape)) {
        out += READ_ESCAPES[escape];
      } else {
        throw new SyntaxError('bad escape');
      }
    }
  }

  private number(): JsonNumberText {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.substring(this.at));
    if (match === null) throw new SyntaxError(`bad number at ${this.at}`);
    this.at += match[0].length;
    return new JsonNumberText(match[0]);
  }

  private literal(word: string): boolean {
    if (this.text.startsWith(word, this.at)) {
      this.at += word.length;
      return true;
    }
    return false;
  }

  private eat(c: string): boolean {
    if (this.text[this.at] === c) {
      this.at++;
      return true;
    }
    return false;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw new SyntaxError(`expected '${c}' at ${this.at}`);
  }
}
