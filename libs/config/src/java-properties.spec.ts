import { formatProperties, parseProperties, replacePropertyValues } from './java-properties';
import { formatProblem } from './problems';

const pairs = (text: string): Array<[string, string]> => parseProperties(text).entries.map((e) => [e.key, e.value]);

describe('parseProperties', () => {
  it('accepts =, : and whitespace as separators, with whitespace around them', () => {
    expect(pairs('a=1\nb:2\nc 3\nd   =   4\ne\t:\t5\nf \t 6')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
      ['f', '6'],
    ]);
  });

  it('takes only the first separator; a second = or : belongs to the value', () => {
    expect(pairs('a==b\nc = = d\ne::f\ng = h:i')).toEqual([
      ['a', '=b'],
      ['c', '= d'],
      ['e', ':f'],
      ['g', 'h:i'],
    ]);
  });

  it('gives a key without separator an empty value, and keeps trailing spaces of values', () => {
    expect(pairs('lonely\nwith.space   \nv = x  ')).toEqual([
      ['lonely', ''],
      ['with.space', ''],
      ['v', 'x  '],
    ]);
  });

  it('skips # and ! comments and blank lines, also when indented', () => {
    expect(pairs('# c\n! c\n   # indented\n\n \t \na=1 # not a comment')).toEqual([['a', '1 # not a comment']]);
  });

  it('reports 1-based lines, counting CRLF, CR and LF line ends once each', () => {
    const { entries } = parseProperties('a=1\r\nb=2\rc=3\n\n# x\nd=4');
    expect(entries.map((e) => [e.key, e.line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 6],
    ]);
  });

  it('joins continuation lines, dropping their leading whitespace, and reports the first line', () => {
    const { entries } = parseProperties('x=1\nlist = a, \\\n       b, \\\n\t c\ny=2');
    expect(entries).toEqual([
      { key: 'x', value: '1', line: 1 },
      { key: 'list', value: 'a, b, c', line: 2 },
      { key: 'y', value: '2', line: 5 },
    ]);
  });

  it('continues only on an odd number of trailing backslashes', () => {
    expect(pairs('a=x\\\\\nb=y\\\\\\\nz')).toEqual([
      ['a', 'x\\'],
      ['b', 'y\\z'],
    ]);
  });

  it('does not continue comment lines, and may continue a key onto the next line', () => {
    expect(pairs('# comment \\\na=1\nlong\\\n.key = v')).toEqual([
      ['a', '1'],
      ['long.key', 'v'],
    ]);
  });

  it('treats a continuation line starting with # as data, and ends at an empty continuation line', () => {
    expect(pairs('a = x\\\n  #y\nb = 1\\\n\nc = 2')).toEqual([
      ['a', 'x#y'],
      ['b', '1'],
      ['c', '2'],
    ]);
  });

  it('drops a trailing backslash at the end of the text', () => {
    expect(pairs('a = b\\')).toEqual([['a', 'b']]);
  });

  it('decodes escapes in keys and values', () => {
    expect(pairs('k\\ ey\\=x\\:y = v\\tw\\nx\\ry\\fz\\\\\\q\nu = \\u0041\\u00e9\\u20AC')).toEqual([
      ['k ey=x:y', 'v\tw\nx\ry\fz\\q'],
      ['u', 'Aé€'],
    ]);
  });

  it('reads a flow key with -> as one key', () => {
    expect(pairs('A->B.enabled = true')).toEqual([['A->B.enabled', 'true']]);
  });

  it('keeps duplicates in order (the loader applies last-wins)', () => {
    expect(pairs('a=1\na=2')).toEqual([
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  it('reports a malformed \\u escape with its line and keeps going', () => {
    const { entries, problems } = parseProperties('ok=1\nbad = \\u12G4\nnext=2');
    expect(entries.map((e) => e.key)).toEqual(['ok', 'bad', 'next']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', code: 'syntax', line: 2, key: 'bad' })]);
    expect(formatProblem(problems[0]!)).toMatch(/^error line 2 bad: malformed \\uXXXX escape "\\u12G4" \(fix: write exactly four hexadecimal digits/);
  });

  it('reads what Kafka writes to meta.properties', () => {
    const meta = '#\n#Tue Nov 26 03:22:57 UTC 2026\nnode.id=1\ndirectory.id=abc\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n';
    expect(pairs(meta)).toEqual([
      ['node.id', '1'],
      ['directory.id', 'abc'],
      ['version', '1'],
      ['cluster.id', 'MkU3OEVBNTcwNTJENDM2Qk'],
    ]);
  });

  it('ignores a byte order mark at the start', () => {
    expect(pairs('\uFEFFclusters = A')).toEqual([['clusters', 'A']]);
  });
});

describe('formatProperties', () => {
  const line = (key: string, value: string) => formatProperties([{ key, value }]);

  it('escapes separators, comment characters and whitespace in keys', () => {
    expect(line('a b=c:d#e!f', 'v')).toBe('a\\ b\\=c\\:d\\#e\\!f=v\n');
  });

  it('escapes backslashes, control characters, a leading space and non-ASCII in values, and nothing else', () => {
    expect(line('k', 'C:\\dir')).toBe('k=C:\\\\dir\n');
    expect(line('k', 'a\nb\tc')).toBe('k=a\\nb\\tc\n');
    expect(line('k', ' lead')).toBe('k=\\ lead\n');
    expect(line('k', 'mid space')).toBe('k=mid space\n');
    expect(line('k', 'é')).toBe('k=\\u00e9\n');
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";';
    expect(line('sasl.jaas.config', jaas)).toBe(`sasl.jaas.config=${jaas}\n`);
  });

  it('writes pairs that read back identically, whatever characters they hold', () => {
    const original = [
      { key: 'plain.key', value: 'value' },
      { key: 'k e=y:#!', value: '  leading spaces and trailing  ' },
      { key: 'A->B.topics', value: 'a\\.b, c\\d' },
      { key: 'multi', value: 'line1\nline2\r\tend' },
      { key: 'unicode', value: 'é€😀' },
      { key: '#looks.like.comment', value: '!and this' },
      { key: 'empty', value: '' },
    ];
    const text = formatProperties(original);
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    expect(parseProperties(text).entries.map(({ key, value }) => ({ key, value }))).toEqual(original);
  });
});

describe('replacePropertyValues', () => {
  it('rewrites only the chosen pairs, continuation lines included, and keeps every other line', () => {
    const text = [
      '# secrets below',
      'A.sasl.jaas.config = PlainLoginModule required \\',
      '    username="u" \\',
      '    password="p";',
      'A.bootstrap.servers: a:9092\r',
      'B.ssl.key.password=k',
      '',
    ].join('\n');
    const out = replacePropertyValues(text, new Map([[2, '${file:/s.properties:jaas}'], [6, '${env:KEY}']]));
    expect(out).toBe(['# secrets below', 'A.sasl.jaas.config=${file:/s.properties:jaas}', 'A.bootstrap.servers: a:9092\r', 'B.ssl.key.password=${env:KEY}', ''].join('\n'));
  });
});
