import { DefaultConfigPropertyFilter, type TopicConfigEntry } from '@mirrormaker/replication-policy';
import { configUpdate } from './config-update';

function entry(name: string, value: string, source: TopicConfigEntry['source'] = 'DYNAMIC_TOPIC_CONFIG'): TopicConfigEntry {
  return { name, value, source, isDefault: source === 'DEFAULT_CONFIG', isReadOnly: false, isSensitive: false };
}

const filter = new DefaultConfigPropertyFilter();

describe('configUpdate', () => {
  it('is null when the remote topic already matches', () => {
    const source = [entry('retention.ms', '1000'), entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG')];
    const target = [entry('retention.ms', '1000'), entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG')];
    expect(configUpdate(source, target, filter)).toBeNull();
  });

  it('sets changed values, deletes values back at their default, and keeps overrides MM2 never touches', () => {
    const source = [
      entry('retention.ms', '5000'),
      entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG'),
      entry('min.insync.replicas', '2'),
      entry('segment.bytes', '1000000', 'DYNAMIC_BROKER_CONFIG'),
    ];
    const target = [
      entry('retention.ms', '1000'),
      entry('cleanup.policy', 'compact'),
      entry('min.insync.replicas', '1'),
      entry('max.message.bytes', '3000'),
      entry('segment.bytes', '1073741824', 'DEFAULT_CONFIG'),
    ];
    expect(configUpdate(source, target, filter)).toEqual({
      fullSet: { 'min.insync.replicas': '1', 'max.message.bytes': '3000', 'retention.ms': '5000', 'segment.bytes': '1000000' },
      set: ['retention.ms', 'segment.bytes'],
      deleted: ['cleanup.policy'],
    });
  });

  it('copies source defaults when use.defaults.from=source', () => {
    const source = [entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG')];
    const target = [entry('cleanup.policy', 'compact')];
    const fromSource = new DefaultConfigPropertyFilter({ useDefaultsFrom: 'source' });
    expect(configUpdate(source, target, fromSource)).toEqual({ fullSet: { 'cleanup.policy': 'delete' }, set: ['cleanup.policy'], deleted: [] });
  });
});
