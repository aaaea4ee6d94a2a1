import { isReplicationPolicyError } from './errors';
import { compileNamePattern, matchesWholeName } from './name-pattern';

const NAMES = [
  'foo', 'foo2', 'foo.bar', 'fooXbar', 'x.internal', 'x-internal', 'xXinternal', 'y.replica',
  '__consumer_offsets', 'console-consumer-1', 'connect-x', 'a', 'b', 'a|b', '', ']x', 'ax', 'bx',
  'zx', 'a, b', '(a', 'foo-bar', 'a_b', 'abc', '123', 'ab-9',
];

function matchMap(list: string): string {
  const pattern = compileNamePattern(list);
  return NAMES.map((name) => (matchesWholeName(pattern, name) ? '1' : '0')).join('');
}

describe('compileNamePattern', () => {
  // Each row: a `topics` value and which of NAMES Java's DefaultTopicFilter accepted with it.
  it.each([
    ['.*', '11111111111111111111111111'],
    ['foo', '10000000000000000000000000'],
    ['foo.bar', '00110000000000000000010000'],
    ['.*[\\-\\.]internal, .*\\.replica, __.*', '00001101100000000000000000'],
    ['console-consumer-.*, connect-.*, __.*', '00000000111000000000000000'],
    ['\\Qfoo.bar\\E', '00100000000000000000000000'],
    ['\\Qa|b', '00000000000001000000000000'],
    ['[]a]x', '00000000000000011000000000'],
    ['[^]a]x', '00000000000000000110000000'],
    ['(a, b)', '00000000000110000000000000'],
    ['foo\\-bar', '00000000000000000000010000'],
    ['a\\_b', '00000000000000000000001000'],
    ['[a-c]+', '00000000000110000000000100'],
    ['\\d+', '00000000000000000000000010'],
    ['\\w+-\\d', '00000000000000000000000001'],
    [' foo , foo2 ', '11000000000000000000000000'],
  ])('matches %j like Java', (list, expected) => {
    expect(matchMap(list)).toBe(expected);
  });

  it('gives no pattern for an empty list, which matches nothing', () => {
    expect(compileNamePattern([])).toBeNull();
    expect(compileNamePattern('  ')).toBeNull();
    expect(matchesWholeName(null, 'anything')).toBe(false);
  });

  it('keeps empty items, which match the empty name', () => {
    expect(matchesWholeName(compileNamePattern('a,'), '')).toBe(true);
  });

  it.each([
    ['\\p{L}+', 'UNSUPPORTED_PATTERN'],
    ['\\Afoo', 'UNSUPPORTED_PATTERN'],
    ['[a-z&&[def]]', 'UNSUPPORTED_PATTERN'],
    ['[a[b]]', 'UNSUPPORTED_PATTERN'],
    ['foo\\', 'UNSUPPORTED_PATTERN'],
    ['(?i)foo', 'INVALID_PATTERN'],
    ['a*+', 'INVALID_PATTERN'],
    ['(unclosed', 'INVALID_PATTERN'],
  ])('refuses %j instead of matching differently from Java', (list, code) => {
    expect.assertions(1);
    try {
      compileNamePattern(list);
    } catch (error) {
      expect(isReplicationPolicyError(error, code as 'INVALID_PATTERN')).toBe(true);
    }
  });
});
