import { int64Of, JsonNumberText, parseJson, writeJsonString } from './json-text';

const parse = (text: string) => parseJson(Buffer.from(text, 'utf8'));

describe('parseJson', () => {
  it('parses nested values and keeps number text', () => {
    const value = parse('{"a":[1,-2.5e3,true,false,null,"x"],"b":{}}');
    expect(value).toEqual(
      new Map<string, unknown>([
        ['a', [new JsonNumberText('1'), new JsonNumberText('-2.5e3'), true, false, null, 'x']],
        ['b', new Map()],
      ]),
    );
  });

  it('decodes string escapes, surrogate pairs included', () => {
    expect(parse('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"')).toBe('"\\/\b\f\n\r\té😀');
  });

  it('skips a byte order mark and keeps the last of duplicate names', () => {
    expect(parse('\uFEFF{"a":1,"a":2}')).toEqual(new Map([['a', new JsonNumberText('2')]]));
  });

  it.each(['', '{', '[1,]', '{"a"}', '01', '+1', '1.', '"\u0001"', '"\\x"', "'a'", 'nul', '{"a":1}}', '[1] [2]'])(
    'rejects %j',
    (text) => {
      expect(parse(text)).toBeUndefined();
    },
  );

  it('rejects deep nesting instead of overflowing the stack', () => {
    expect(parse('['.repeat(10000) + ']'.repeat(10000))).toBeUndefined();
  });
});

describe('int64Of', () => {
  it('accepts plain integer literals within INT64 only', () => {
    expect(int64Of(new JsonNumberText('-9223372036854775808'))).toBe(-(2n ** 63n));
    expect(int64Of(new JsonNumberText('9223372036854775808'))).toBeNull();
    expect(int64Of(new JsonNumberText('1e3'))).toBeNull();
    expect(int64Of(new JsonNumberText('1.0'))).toBeNull();
    expect(int64Of('1')).toBeNull();
    expect(int64Of(undefined)).toBeNull();
  });
});

describe('writeJsonString', () => {
  it('escapes like the Jackson generator Connect uses', () => {
    expect(writeJsonString('a"b\\c/\b\t\n\f\r\u0001\u001f\u007fé\u2028😀\ud800')).toBe(
      '"a\\"b\\\\c/\\b\\t\\n\\f\\r\\u0001\\u001F\u007fé\u2028\\uD83D\\uDE00\\uD800"',
    );
  });
});
