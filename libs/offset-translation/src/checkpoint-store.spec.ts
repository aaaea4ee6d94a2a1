import type { Checkpoint } from '@mirrormaker/mm2-formats';
import { CheckpointStore } from './checkpoint-store';

const cp = (group: string, topic: string, downstreamOffset: bigint, metadata = ''): Checkpoint => ({
  group,
  topic,
  partition: 0,
  upstreamOffset: downstreamOffset,
  downstreamOffset,
  metadata,
});

describe('CheckpointStore', () => {
  it('keeps the last loaded checkpoint per group and partition, for its own groups only', () => {
    const store = new CheckpointStore(new Set(['g']));
    store.loadRecord(cp('g', 'A.t', 1n));
    store.loadRecord(cp('g', 'A.t', 2n));
    store.loadRecord(cp('other', 'A.t', 9n));
    expect(store.isInitialized).toBe(false);
    store.finishLoad({ succeeded: true });
    expect(store.isInitialized).toBe(true);
    expect(store.initializationMustReadToEnd).toBe(false);
    expect([...store.get('g')!.values()]).toEqual([cp('g', 'A.t', 2n)]);
    expect(store.get('other')).toBeUndefined();
  });

  it('starts empty after a failed load and asks the sync store to read to the end', () => {
    const store = new CheckpointStore();
    store.loadRecord(cp('g', 'A.t', 1n));
    store.finishLoad({ succeeded: false });
    expect(store.isInitialized).toBe(true);
    expect(store.initializationMustReadToEnd).toBe(true);
    expect(store.snapshot().size).toBe(0);
  });

  it('merges updates and converts them into target offsets', () => {
    const store = new CheckpointStore();
    store.finishLoad({ succeeded: true });
    store.update([cp('g', 'A.t', 5n, 'm'), cp('g', 'A.u', 7n)]);
    store.update([cp('g', 'A.t', 6n, 'n')]);
    expect(store.convertedOffsets()).toEqual(
      new Map([
        [
          'g',
          new Map([
            ['A.t-0', { offset: 6n, metadata: 'n' }],
            ['A.u-0', { offset: 7n, metadata: '' }],
          ]),
        ],
      ]),
    );
  });
});
