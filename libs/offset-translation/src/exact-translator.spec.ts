import { ExactTranslator } from './exact-translator';
import { OffsetSegmentStore } from './offset-segment-store';
import { OffsetSyncStore } from './offset-sync-store';

const tp = { topic: 'orders', partition: 0 };
const seg = (upstreamStart: bigint, downstreamStart: bigint, upstreamEnd: bigint) => ({ ...tp, upstreamStart, downstreamStart, upstreamEnd });

function loaded(): { segments: OffsetSegmentStore; syncs: OffsetSyncStore; translator: ExactTranslator } {
  const segments = new OffsetSegmentStore();
  const syncs = new OffsetSyncStore({ initializationMustReadToEnd: false });
  const translator = new ExactTranslator(segments, syncs);
  segments.completeInitialLoad();
  syncs.completeInitialLoad();
  return { segments, syncs, translator };
}

describe('ExactTranslator', () => {
  it('answers nothing until both the segments and the offset syncs were read to their end', () => {
    const segments = new OffsetSegmentStore();
    const syncs = new OffsetSyncStore();
    const translator = new ExactTranslator(segments, syncs);
    segments.apply(seg(0n, 0n, 10n), 0);
    syncs.completeInitialLoad();
    expect(translator.translateDownstream(tp, 5n)).toEqual({ kind: 'notReady' });
    segments.completeInitialLoad();
    expect(translator.translateDownstream(tp, 5n)).toEqual({ kind: 'ok', downstream: 5n, method: 'exact', recordsReread: 0n });
  });

  it('maps every offset of a segment exactly, where MM2 would answer one past its nearest sync', () => {
    const { segments, syncs, translator } = loaded();
    segments.apply(seg(1000n, 40n, 4000n), 0);
    syncs.applySync({ ...tp, upstreamOffset: 1000n, downstreamOffset: 40n });
    expect(translator.translateDownstream(tp, 3001n)).toMatchObject({ downstream: 2041n, method: 'exact', recordsReread: 0n });
    expect(syncs.translateDownstream(tp, 3001n)).toMatchObject({ downstream: 41n, recordsReread: 2000n });
  });

  it('sends an offset in a hole of the source to right after the last record copied before it', () => {
    const { segments, translator } = loaded();
    segments.apply(seg(0n, 0n, 50n), 0);
    // 50..59: an aborted transaction and its marker; copying went on at 60.
    segments.apply(seg(60n, 50n, 80n), 0);
    for (const u of [50n, 55n, 59n]) expect(translator.translateDownstream(tp, u)).toMatchObject({ downstream: 50n, method: 'exact' });
    expect(translator.translateDownstream(tp, 60n)).toMatchObject({ downstream: 50n, recordsReread: 0n });
  });

  it('follows the copy written last after a resend', () => {
    const { segments, translator } = loaded();
    segments.apply(seg(0n, 0n, 100n), 0);
    segments.apply(seg(70n, 100n, 130n), 0); // a restart sent 70.. again
    expect(translator.translateDownstream(tp, 69n)).toMatchObject({ downstream: 69n, recordsReread: 0n });
    expect(translator.translateDownstream(tp, 85n)).toMatchObject({ downstream: 115n, recordsReread: 0n });
  });

  it('places a group ahead of the known mapping at its end, saying how much it may read again', () => {
    const { segments, translator } = loaded();
    segments.apply(seg(0n, 0n, 100n), 0);
    expect(translator.translateDownstream(tp, 100n)).toMatchObject({ downstream: 100n, recordsReread: 0n });
    expect(translator.translateDownstream(tp, 130n)).toMatchObject({ downstream: 100n, recordsReread: 30n });
    segments.apply(seg(0n, 0n, 140n), 0); // a later record of the same segment extends it
    expect(translator.translateDownstream(tp, 130n)).toMatchObject({ downstream: 130n, recordsReread: 0n });
  });

  it("falls back to MM2's rule below the first segment, e.g. for positions Apache MM2 copied", () => {
    const { segments, syncs, translator } = loaded();
    syncs.applySync({ ...tp, upstreamOffset: 0n, downstreamOffset: 0n });
    syncs.applySync({ ...tp, upstreamOffset: 400n, downstreamOffset: 400n });
    segments.apply(seg(500n, 500n, 600n), 0);
    expect(translator.translateDownstream(tp, 450n)).toMatchObject({ downstream: 401n, method: 'offset-syncs', recordsReread: 49n });
    expect(translator.translateDownstream(tp, 550n)).toMatchObject({ downstream: 550n, method: 'exact' });
  });

  it('forgets segments past retention but keeps the newest of each partition', () => {
    const { segments, translator } = loaded();
    segments.apply(seg(0n, 0n, 10n), 1000);
    segments.apply(seg(20n, 10n, 30n), 2000);
    expect(segments.prune(5000)).toBe(1);
    expect(segments.size).toBe(1);
    expect(translator.translateDownstream(tp, 25n)).toMatchObject({ downstream: 15n, method: 'exact' });
  });
});
