import { parseProperties } from '@mirrormaker/config';
import { renderProperties } from './properties';

describe('renderProperties', () => {
  it('writes key=value lines in insertion order, with comments, skipping undefined', () => {
    const text = renderProperties({ 'node.id': 1, 'auto.create.topics.enable': false, skipped: undefined, 'log.dirs': '/tmp/x' }, ['header']);
    expect(text).toBe('# header\nnode.id=1\nauto.create.topics.enable=false\nlog.dirs=/tmp/x\n');
  });

  it('keeps JAAS values readable (no escaping of = : " ;)', () => {
    const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret";';
    expect(renderProperties({ 'sasl.jaas.config': jaas })).toBe(`sasl.jaas.config=${jaas}\n`);
  });

  it('writes what the .properties parser reads back', () => {
    const props = { 'we ird=key': ' value with \\ and \n and é', plain: 'x=y:z', empty: '' };
    const read = parseProperties(renderProperties(props)).entries.map((e) => [e.key, e.value]);
    expect(Object.fromEntries(read)).toEqual(props);
  });
});
