import { findFlow } from './flow-accessors';
import { flowReplication } from './flow-replication';
import { loadMirrorConfigOrThrow } from './mirror-config-loader';

const config = loadMirrorConfigOrThrow(
  ['clusters = A, B', 'A.bootstrap.servers = a:1', 'B.bootstrap.servers = b:1', 'A->B.enabled = true', 'A->B.topics = orders.*, heartbeats', 'A->B.groups.exclude = test-.*'].join('\n'),
  { env: {}, readFile: () => '' },
);

describe('flowReplication', () => {
  const rules = flowReplication(findFlow(config, 'A->B')!);

  it('replicates what the topic filter accepts and names it the MM2 way', () => {
    expect(rules.shouldReplicateTopic('orders.eu')).toBe(true);
    expect(rules.shouldReplicateTopic('payments')).toBe(false);
    expect(rules.remoteTopic('orders.eu')).toBe('A.orders.eu');
  });

  it('never replicates internal topics or topics that came from the target', () => {
    expect(rules.shouldReplicateTopic('__consumer_offsets')).toBe(false);
    expect(rules.shouldReplicateTopic('B.orders')).toBe(false);
  });

  it('applies the group filter of the flow', () => {
    expect(rules.groupFilter.shouldReplicateGroup('billing')).toBe(true);
    expect(rules.groupFilter.shouldReplicateGroup('test-1')).toBe(false);
  });
});
