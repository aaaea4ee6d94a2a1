import { shouldCheckpointGroup } from './checkpoint-group-selection';
import { DefaultGroupFilter } from './group-filter';
import { partitionIncrease } from './partition-growth';
import { DefaultTopicFilter } from './topic-filter';

describe('shouldCheckpointGroup', () => {
  const selection = { groupFilter: new DefaultGroupFilter(), topicFilter: new DefaultTopicFilter({ topics: 'orders.*' }) };

  it('needs the group filter and one committed topic the topic filter accepts', () => {
    expect(shouldCheckpointGroup(selection, 'billing', ['payments', 'orders-eu'])).toBe(true);
    expect(shouldCheckpointGroup(selection, 'billing', ['payments'])).toBe(false);
    expect(shouldCheckpointGroup(selection, 'billing', [])).toBe(false);
    expect(shouldCheckpointGroup(selection, 'connect-x', ['orders'])).toBe(false);
  });
});

describe('partitionIncrease', () => {
  it('grows the remote topic to the source count and never shrinks it', () => {
    expect(partitionIncrease(5, 3)).toBe(5);
    expect(partitionIncrease(3, 3)).toBeNull();
    expect(partitionIncrease(3, 5)).toBeNull();
  });
});
