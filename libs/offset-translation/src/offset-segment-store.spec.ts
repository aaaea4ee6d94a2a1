import { OffsetSegmentStore } from './offset-segment-store';

describe('OffsetSegmentStore.translateToSource', () => {
  const tp = { topic: 'orders', partition: 0 };
  // Source 0-99 copied to target 0-99; a restart sent source 90-149 again to target 100-159;
  // source 150-152 are a hole (markers), 153-199 land at target 160-206.
  function store(): OffsetSegmentStore {
    const s = new OffsetSegmentStore();
    s.apply({ ...tp, upstreamStart: 0n, downstreamStart: 0n, upstreamEnd: 100n }, 1);
    s.apply({ ...tp, upstreamStart: 90n, downstreamStart: 100n, upstreamEnd: 150n }, 2);
    s.apply({ ...tp, upstreamStart: 153n, downstreamStart: 160n, upstreamEnd: 200n }, 3);
    s.completeInitialLoad();
    return s;
  }

  it('gives the source offset of the very record a group would read next on the target', () => {
    const s = store();
    expect(s.translateToSource(tp, 0n)).toEqual({ upstream: 0n, recordsReread: 0n });
    expect(s.translateToSource(tp, 42n)).toEqual({ upstream: 42n, recordsReread: 0n });
    // Inside the resend: target 105 is the second copy of source 95.
    expect(s.translateToSource(tp, 105n)).toEqual({ upstream: 95n, recordsReread: 0n });
    expect(s.translateToSource(tp, 160n)).toEqual({ upstream: 153n, recordsReread: 0n });
  });

  it('resumes after the last known record at or past the end of a segment, never skipping one', () => {
    const s = store();
    // The whole topic read: the next source record is the first one not copied.
    expect(s.translateToSource(tp, 207n)).toEqual({ upstream: 200n, recordsReread: 0n });
    // Past a stale extent: the records in between are read again at most.
    expect(s.translateToSource(tp, 210n)).toEqual({ upstream: 200n, recordsReread: 3n });
  });

  it('cannot translate below every segment or for an unknown partition', () => {
    const s = new OffsetSegmentStore();
    s.apply({ ...tp, upstreamStart: 500n, downstreamStart: 40n, upstreamEnd: 510n }, 1);
    expect(s.translateToSource(tp, 39n)).toBeUndefined();
    expect(s.translateToSource({ topic: 'other', partition: 0 }, 50n)).toBeUndefined();
  });
});
