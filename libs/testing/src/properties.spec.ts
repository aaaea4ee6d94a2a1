import { escapePropertyKey, escapePropertyValue, parseProperties, renderProperties } from './properties';

describe('renderProperties', () => {
  it('writes key=value lines in insertion order, with comments, skipping undefined', () => {
    const text = renderProperties({ 'node.id': 1, 'auto.create.topics.enable': false, skipped: undefined, 'log.dirs': '/tmp/x' }, ['header']);
    expect(text).toBe('# header\nnode.id=1\nauto.create.topics.enable=false\nlog.dirs=/tmp/x\n');
  });

  it('keeps JAAS values readable (no escaping of = : " ;)', () => {
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";';
    expect(renderProperties({ 'sasl.jaas.config': jaas })).toBe(`sasl.jaas.config=${jaas}\n`);
  });
});

describe('escaping', () => {
  it('escapes separators and whitespace in keys', () => {
    expect(escapePropertyKey('a b=c:d#e!f')).toBe('a\\ b\\=c\\:d\\#e\\!f');
  });

  it('escapes backslashes, control characters, a leading space and non-ASCII in values', () => {
    expect(escapePropertyValue('C:\\dir')).toBe('C:\\\\dir');
    expect(escapePropertyValue('a\nb\tc')).toBe('a\\nb\\tc');
    expect(escapePropertyValue(' lead')).toBe('\\ lead');
    expect(escapePropertyValue('mid space')).toBe('mid space');
    expect(escapePropertyValue('é')).toBe('\\u00e9');
  });
});

describe('parseProperties', () => {
  it('reads what Kafka writes to meta.properties', () => {
    const meta = '#\n#Tue Nov 26 03:22:57 UTC 2026\nnode.id=1\ndirectory.id=abc\nversion=1\ncluster.id=MkU3OEVBNTcwNTJENDM2Qk\n';
    expect(parseProperties(meta)).toEqual({ 'node.id': '1', 'directory.id': 'abc', version: '1', 'cluster.id': 'MkU3OEVBNTcwNTJENDM2Qk' });
  });

  it('supports ":" and whitespace separators, continuation lines and "!" comments', () => {
    const text = '! comment\na: 1\nb 2\nlong = first \\\n    second\n';
    expect(parseProperties(text)).toEqual({ a: '1', b: '2', long: 'first second' });
  });

  it('round-trips rendered properties', () => {
    const props = { 'we ird=key': ' value with \\ and \n and é', plain: 'x=y:z', empty: '' };
    expect(parseProperties(renderProperties(props))).toEqual(props);
  });
});
