import { parseConfigList } from './config-list';

describe('parseConfigList', () => {
  // Expected values were produced by Kafka's ConfigDef LIST parser.
  it.each([
    ['', []],
    ['  ', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' a , b ', ['a', 'b']],
    ['a,', ['a', '']],
    [',a', ['', 'a']],
    ['a,,b', ['a', '', 'b']],
    ['a\t,\tb', ['a', 'b']],
    ['a ,\n b', ['a', 'b']],
    ['a\u00a0,b', ['a\u00a0', 'b']],
    ['\u0001a,b\u0002', ['a', 'b']],
  ])('parses %j', (value, expected) => {
    expect(parseConfigList(value)).toEqual(expected);
  });

  it('reads a value with a whitespace run of hundreds of kilobytes without stalling (it once took minutes)', () => {
    const run = ' \t'.repeat(150_000);
    expect(parseConfigList(`b-1:9${run}096,${run}b-2:9096`)).toEqual([`b-1:9${run}096`, 'b-2:9096']);
  });
});
