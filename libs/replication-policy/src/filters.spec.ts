import { DefaultConfigPropertyFilter } from './config-property-filter';
import { DefaultGroupFilter } from './group-filter';
import { DefaultTopicFilter } from './topic-filter';

describe('DefaultTopicFilter', () => {
  it('uses MM2 defaults', () => {
    const filter = new DefaultTopicFilter();
    expect(filter.shouldReplicateTopic('orders')).toBe(true);
    for (const topic of ['__consumer_offsets', 'foo.internal', 'foo-internal', 'x.replica']) {
      expect(filter.shouldReplicateTopic(topic)).toBe(false);
    }
  });

  it('matches whole names, and an empty include list matches nothing', () => {
    expect(new DefaultTopicFilter({ topics: 'foo' }).shouldReplicateTopic('foo2')).toBe(false);
    expect(new DefaultTopicFilter({ topics: '' }).shouldReplicateTopic('foo')).toBe(false);
    expect(new DefaultTopicFilter({ topics: [] }).shouldReplicateTopic('foo')).toBe(false);
  });

  it('lets exclude win over include', () => {
    const filter = new DefaultTopicFilter({ topics: ['orders.*'], topicsExclude: ['orders-tmp'] });
    expect(filter.shouldReplicateTopic('orders-eu')).toBe(true);
    expect(filter.shouldReplicateTopic('orders-tmp')).toBe(false);
  });
});

describe('DefaultGroupFilter', () => {
  it('uses MM2 defaults', () => {
    const filter = new DefaultGroupFilter();
    expect(filter.shouldReplicateGroup('billing')).toBe(true);
    expect(filter.shouldReplicateGroup('console-consumer-42')).toBe(false);
    expect(filter.shouldReplicateGroup('connect-sink')).toBe(false);
    expect(filter.shouldReplicateGroup('__internal')).toBe(false);
  });

  it('accepts explicit lists', () => {
    const filter = new DefaultGroupFilter({ groups: 'billing, audit-.*', groupsExclude: [] });
    expect(filter.shouldReplicateGroup('audit-7')).toBe(true);
    expect(filter.shouldReplicateGroup('other')).toBe(false);
  });
});

describe('DefaultConfigPropertyFilter', () => {
  it('excludes the MM2 default properties', () => {
    const filter = new DefaultConfigPropertyFilter();
    expect(filter.shouldReplicateConfigProperty('retention.ms')).toBe(true);
    for (const name of [
      'follower.replication.throttled.replicas',
      'leader.replication.throttled.replicas',
      'message.timestamp.difference.max.ms',
      'message.timestamp.type',
      'unclean.leader.election.enable',
      'min.insync.replicas',
    ]) {
      expect(filter.shouldReplicateConfigProperty(name)).toBe(false);
    }
    expect(filter.shouldReplicateSourceDefault('retention.ms')).toBe(false);
  });

  it('copies source defaults only for use.defaults.from=source', () => {
    expect(new DefaultConfigPropertyFilter({ useDefaultsFrom: 'source' }).shouldReplicateSourceDefault('x')).toBe(true);
    expect(new DefaultConfigPropertyFilter({ useDefaultsFrom: 'Source' }).shouldReplicateSourceDefault('x')).toBe(false);
  });

  it('excludes nothing with an empty list', () => {
    expect(new DefaultConfigPropertyFilter({ configPropertiesExclude: '' }).shouldReplicateConfigProperty('min.insync.replicas')).toBe(true);
  });
});
