import { checkFilterList, translateJavaRegex } from './java-regex';

const compile = (pattern: string): RegExp => {
  const check = translateJavaRegex(pattern);
  if (!check.ok) throw new Error(check.reason);
  return new RegExp(`^(?:${check.source})$`);
};

describe('translateJavaRegex', () => {
  it('accepts the patterns MM2 uses by default', () => {
    for (const pattern of ['.*', '.*[\\-\\.]internal', '.*\\.replica', '__.*', 'console-consumer-.*', 'min\\.insync\\.replicas']) {
      expect(translateJavaRegex(pattern).ok).toBe(true);
    }
  });

  it('translates \\Q...\\E quoting to escaped literals', () => {
    const regex = compile('\\Qa.b*c\\E-.*');
    expect(regex.test('a.b*c-x')).toBe(true);
    expect(regex.test('aXbbc-x')).toBe(false);
  });

  it('reads ] right after [ as a literal, as Java does', () => {
    expect(compile('[]a]+').test(']a]')).toBe(true);
    expect(compile('[^]a]').test('b')).toBe(true);
  });

  it.each([
    ['a*+', 'invalid'],
    ['(?>ab)', 'invalid'],
    ['(?i)orders', 'invalid'],
    ['orders(', 'invalid'],
    ['a\\', 'invalid'],
    ['\\p{Alpha}+', 'unsupported'],
    ['\\p{javaLowerCase}', 'unsupported'],
    ['\\Aorders\\z', 'unsupported'],
    ['[a-z&&[^x]]', 'unsupported'],
    ['[a[b]]', 'unsupported'],
    ['\\h', 'unsupported'],
  ])('rejects %s as %s', (pattern, kind) => {
    expect(translateJavaRegex(pattern)).toEqual(expect.objectContaining({ ok: false, kind }));
  });
});

describe('checkFilterList', () => {
  it('reports every failing item and accepts an empty list', () => {
    expect(checkFilterList([])).toEqual([]);
    expect(checkFilterList(['ok.*', 'bad(', '\\p{L}']).map((f) => [f.item, f.kind])).toEqual([
      ['bad(', 'invalid'],
      ['\\p{L}', 'unsupported'],
    ]);
  });
});
