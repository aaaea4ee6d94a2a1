import { committedByPartition, isConsumerGroupListing } from './committed-offsets';

describe('committedByPartition', () => {
  it('keys offsets by topic-partition in a stable order and turns absent metadata into ""', () => {
    const committed = new Map([
      ['orders', new Map([[1, { offset: 7n, metadata: null }], [0, { offset: 5n, metadata: 'm' }]])],
      ['a-b', new Map([[3, { offset: 1n, metadata: '' }]])],
    ]);
    expect([...committedByPartition(committed)]).toEqual([
      ['a-b-3', { offset: 1n, metadata: '' }],
      ['orders-0', { offset: 5n, metadata: 'm' }],
      ['orders-1', { offset: 7n, metadata: '' }],
    ]);
  });
});

describe('isConsumerGroupListing', () => {
  it.each([
    ['consumer', true],
    ['', true],
    ['connect', false],
    ['share', false],
  ])('protocol type %j → %s', (protocolType, expected) => {
    expect(isConsumerGroupListing({ groupId: 'g', protocolType })).toBe(expected);
  });
});
