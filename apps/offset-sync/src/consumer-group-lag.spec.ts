import { consumerGroupLag } from './consumer-group-lag';

describe('consumerGroupLag', () => {
  it('is the end offset minus the committed offset, never below zero', () => {
    const lag = consumerGroupLag(
      new Map<string, bigint | null>([
        ['A.t-0', 4243n],
        ['A.t-1', 12n],
        ['A.t-2', null],
        ['A.u-0', 3n],
      ]),
      new Map([
        ['A.t-0', 10000n],
        ['A.t-1', 10n],
        ['A.t-2', 5n],
      ]),
    );
    expect([...lag]).toEqual([
      ['A.t-0', 5757n],
      ['A.t-1', 0n],
    ]);
  });
});
