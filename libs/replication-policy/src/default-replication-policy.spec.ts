import { DefaultReplicationPolicy } from './default-replication-policy';
import { isReplicationPolicyError } from './errors';

describe('DefaultReplicationPolicy', () => {
  const policy = new DefaultReplicationPolicy();

  it('prefixes the source alias and separator', () => {
    expect(policy.formatRemoteTopic('us-west', 'orders')).toBe('us-west.orders');
  });

  it.each([
    ['a.b', 'a'],
    ['a.', null],
    ['a..b', 'a'],
    ['.a', ''],
    ['us-west.us-east.t', 'us-west'],
    ['a', null],
    ['', null],
    ['.', null],
    ['..', null],
    ['a...b', 'a'],
  ])('topicSource(%j) is %j (Java String.split semantics)', (topic, source) => {
    expect(policy.topicSource(topic)).toBe(source);
  });

  it.each([
    ['B.A.t', 'A.t'],
    ['a..b', '.b'],
    ['.a', 'a'],
    ['a.', null],
    ['t', null],
  ])('upstreamTopic(%j) is %j', (topic, upstream) => {
    expect(policy.upstreamTopic(topic)).toBe(upstream);
  });

  it.each([
    ['C.B.A.t', 't'],
    ['t', 't'],
    ['a.', 'a.'],
    ['a..b', 'b'],
  ])('originalTopic(%j) is %j', (topic, original) => {
    expect(policy.originalTopic(topic)).toBe(original);
  });

  it.each([
    ['heartbeats', true],
    ['A.heartbeats', true],
    ['B.A.heartbeats', true],
    ['A-heartbeats', false],
    ['heartbeats!', false],
    ['xheartbeats', false],
  ])('isHeartbeatsTopic(%j) is %j', (topic, expected) => {
    expect(policy.isHeartbeatsTopic(topic)).toBe(expected);
  });

  it.each([
    ['__consumer_offsets', true],
    ['.hidden', true],
    ['foo.internal', true],
    ['foo-internal', true],
    ['mm2-offsets.C.internal', true],
    ['mm2-offsets_C_internal', false],
    ['A.checkpoints.internal', true],
    ['_single', false],
    ['orders', false],
    ['x.replica', false],
  ])('isInternalTopic(%j) is %j with the default separator', (topic, expected) => {
    expect(policy.isInternalTopic(topic)).toBe(expected);
  });

  it('names the internal topics with the separator', () => {
    expect(policy.heartbeatsTopic()).toBe('heartbeats');
    expect(policy.checkpointsTopic('A')).toBe('A.checkpoints.internal');
    expect(policy.offsetSyncsTopic('B')).toBe('mm2-offset-syncs.B.internal');
    expect(policy.isCheckpointsTopic('A.checkpoints.internal')).toBe(true);
    expect(policy.isCheckpointsTopic('A_checkpoints_internal')).toBe(false);
    expect(policy.isMM2InternalTopic('mm2-offset-syncs.B.internal')).toBe(true);
  });

  describe('with separator "_"', () => {
    const underscore = new DefaultReplicationPolicy({ separator: '_' });

    it('uses it for remote and internal names', () => {
      expect(underscore.formatRemoteTopic('A', 't')).toBe('A_t');
      expect(underscore.topicSource('us-west_t')).toBe('us-west');
      expect(underscore.topicSource('a.b')).toBeNull();
      expect(underscore.checkpointsTopic('A')).toBe('A_checkpoints_internal');
      expect(underscore.offsetSyncsTopic('B')).toBe('mm2-offset-syncs_B_internal');
      expect(underscore.isCheckpointsTopic('A_checkpoints_internal')).toBe(true);
      expect(underscore.isInternalTopic('mm2-offsets_C_internal')).toBe(true);
      expect(underscore.isInternalTopic('x.internal')).toBe(true);
      expect(underscore.isHeartbeatsTopic('B_A_heartbeats')).toBe(true);
    });

    it('keeps "." for internal names when internal separators are disabled', () => {
      const dotted = new DefaultReplicationPolicy({ separator: '_', internalTopicSeparatorEnabled: false });
      expect(dotted.formatRemoteTopic('A', 't')).toBe('A_t');
      expect(dotted.checkpointsTopic('A')).toBe('A.checkpoints.internal');
      expect(dotted.offsetSyncsTopic('B')).toBe('mm2-offset-syncs.B.internal');
      expect(dotted.isCheckpointsTopic('A_checkpoints_internal')).toBe(false);
      expect(dotted.isMM2InternalTopic('x_internal')).toBe(false);
    });
  });

  it('handles multi-character separators literally', () => {
    const policy2 = new DefaultReplicationPolicy({ separator: '..' });
    expect(policy2.topicSource('a...b')).toBe('a');
    expect(policy2.upstreamTopic('a...b')).toBe('.b');
    expect(policy2.topicSource('a.b')).toBeNull();
  });

  it('rejects an empty separator', () => {
    expect.assertions(1);
    try {
      new DefaultReplicationPolicy({ separator: '' });
    } catch (error) {
      expect(isReplicationPolicyError(error, 'INVALID_SEPARATOR')).toBe(true);
    }
  });
});
