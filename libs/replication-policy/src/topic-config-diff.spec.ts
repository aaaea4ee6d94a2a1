import { DefaultConfigPropertyFilter } from './config-property-filter';
import { isReplicationPolicyError } from './errors';
import {
  creationConfigs,
  incrementalConfigChanges,
  mergeForFullAlter,
  type ConfigSource,
  type TopicConfigEntry,
} from './topic-config-diff';

function entry(name: string, value: string | null, source: ConfigSource, extra: Partial<TopicConfigEntry> = {}): TopicConfigEntry {
  return {
    name,
    value,
    source,
    isDefault: source === 'DEFAULT_CONFIG',
    isReadOnly: false,
    isSensitive: false,
    ...extra,
  };
}

const source: TopicConfigEntry[] = [
  entry('retention.ms', '86400000', 'DYNAMIC_TOPIC_CONFIG'),
  entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG'),
  entry('compression.type', 'zstd', 'DYNAMIC_DEFAULT_BROKER_CONFIG'),
  entry('segment.bytes', '1073741824', 'STATIC_BROKER_CONFIG'),
  entry('min.insync.replicas', '2', 'DYNAMIC_TOPIC_CONFIG'),
  entry('secret.thing', null, 'DYNAMIC_TOPIC_CONFIG', { isSensitive: true }),
  entry('read.only', 'x', 'DYNAMIC_TOPIC_CONFIG', { isReadOnly: true }),
  entry('max.message.bytes', '1048588', 'DEFAULT_CONFIG'),
];

const fromTarget = new DefaultConfigPropertyFilter();
const fromSource = new DefaultConfigPropertyFilter({ useDefaultsFrom: 'source' });

describe('creationConfigs', () => {
  it('copies non-default values, dynamic broker defaults included, minus what may not be copied', () => {
    expect(creationConfigs(source, fromTarget)).toEqual({ 'retention.ms': '86400000', 'compression.type': 'zstd' });
  });

  it('also copies built-in defaults with use.defaults.from=source', () => {
    expect(creationConfigs(source, fromSource)).toEqual({
      'retention.ms': '86400000',
      'cleanup.policy': 'delete',
      'compression.type': 'zstd',
      'max.message.bytes': '1048588',
    });
  });
});

describe('incrementalConfigChanges', () => {
  it('sets non-defaults and deletes target overrides of values that are default on the source', () => {
    const target = [
      entry('retention.ms', '1000', 'DYNAMIC_TOPIC_CONFIG'),
      entry('cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'),
      entry('max.message.bytes', '1048588', 'DEFAULT_CONFIG'),
      entry('min.insync.replicas', '3', 'DYNAMIC_TOPIC_CONFIG'),
    ];
    expect(incrementalConfigChanges(source, target, fromTarget)).toEqual({
      set: { 'retention.ms': '86400000', 'compression.type': 'zstd' },
      delete: ['cleanup.policy'],
    });
  });

  it('sets source defaults instead of deleting with use.defaults.from=source', () => {
    const changes = incrementalConfigChanges(source, [], fromSource);
    expect(changes.set).toEqual({
      'retention.ms': '86400000',
      'cleanup.policy': 'delete',
      'compression.type': 'zstd',
      'max.message.bytes': '1048588',
    });
    expect(changes.delete).toEqual([]);
  });

  it('returns nothing when the target overrides already match', () => {
    const target = [
      entry('retention.ms', '86400000', 'DYNAMIC_TOPIC_CONFIG'),
      entry('compression.type', 'zstd', 'DYNAMIC_TOPIC_CONFIG'),
      entry('cleanup.policy', 'delete', 'DEFAULT_CONFIG'),
    ];
    expect(incrementalConfigChanges(source, target, fromTarget)).toEqual({ set: {}, delete: [] });
  });

  it('still sets a value the target only has as a broker-level value', () => {
    const target = [entry('compression.type', 'zstd', 'DYNAMIC_DEFAULT_BROKER_CONFIG')];
    expect(incrementalConfigChanges(source, target, fromTarget).set).toHaveProperty(['compression.type'], 'zstd');
  });

  it('falls back on isDefault for entries of unknown source', () => {
    const unknown = [entry('retention.ms', '5', 'UNKNOWN', { isDefault: true })];
    const target = [entry('retention.ms', '9', 'DYNAMIC_TOPIC_CONFIG')];
    expect(incrementalConfigChanges(unknown, target, fromTarget)).toEqual({ set: {}, delete: ['retention.ms'] });
  });
});

describe('mergeForFullAlter', () => {
  it('keeps target-only overrides, applies sets and drops deletes', () => {
    const target = [
      entry('retention.ms', '1000', 'DYNAMIC_TOPIC_CONFIG'),
      entry('cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'),
      entry('min.insync.replicas', '3', 'DYNAMIC_TOPIC_CONFIG'),
      entry('max.message.bytes', '1048588', 'DEFAULT_CONFIG'),
      entry('compression.type', 'lz4', 'DYNAMIC_BROKER_CONFIG'),
    ];
    const changes = incrementalConfigChanges(source, target, fromTarget);
    expect(mergeForFullAlter(target, changes)).toEqual({
      'retention.ms': '86400000',
      'compression.type': 'zstd',
      'min.insync.replicas': '3',
    });
  });

  it('refuses to drop a hidden target override', () => {
    expect.assertions(1);
    try {
      mergeForFullAlter([entry('hidden', null, 'DYNAMIC_TOPIC_CONFIG', { isSensitive: true })], { set: {}, delete: [] });
    } catch (error) {
      expect(isReplicationPolicyError(error, 'HIDDEN_TARGET_CONFIG')).toBe(true);
    }
  });

  it('does not need a hidden value that is being replaced', () => {
    const target = [entry('hidden', null, 'DYNAMIC_TOPIC_CONFIG', { isSensitive: true })];
    expect(mergeForFullAlter(target, { set: { hidden: 'v' }, delete: [] })).toEqual({ hidden: 'v' });
  });
});
