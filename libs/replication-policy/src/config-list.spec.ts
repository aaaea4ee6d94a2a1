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
});
