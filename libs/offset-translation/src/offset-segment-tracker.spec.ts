import { OffsetSegmentTracker } from './offset-segment-tracker';

const tp = { topic: 't', partition: 0 };
const seg = (upstreamStart: bigint, downstreamStart: bigint, upstreamEnd: bigint) => ({ ...tp, upstreamStart, downstreamStart, upstreamEnd });

function ack(tracker: OffsetSegmentTracker, upstream: bigint[], downstream: bigint[]): void {
  tracker.recordsAcked(
    upstream.length,
    (i) => upstream[i],
    (i) => downstream[i],
  );
}

describe('OffsetSegmentTracker', () => {
  it('extends one segment while the difference stays, and reports it once per change', () => {
    const tracker = new OffsetSegmentTracker(tp);
    ack(tracker, [10n, 11n, 12n], [100n, 101n, 102n]);
    ack(tracker, [13n, 14n], [103n, 104n]);
    expect(tracker.takeChanged()).toEqual([seg(10n, 100n, 15n)]);
    expect(tracker.takeChanged()).toEqual([]);
    ack(tracker, [15n], [105n]);
    expect(tracker.takeChanged()).toEqual([seg(10n, 100n, 16n)]);
  });

  it('starts a new segment at a hole of the source, a commit marker on the target, or a resend', () => {
    const tracker = new OffsetSegmentTracker(tp);
    ack(tracker, [10n, 11n, 14n, 15n], [100n, 101n, 102n, 103n]); // 12 and 13 were not records
    ack(tracker, [16n], [105n]); // 104 is a commit marker
    ack(tracker, [13n], [106n]); // sent again after a restart of the producer
    expect(tracker.takeChanged()).toEqual([seg(10n, 100n, 12n), seg(14n, 102n, 16n), seg(16n, 105n, 17n), seg(13n, 106n, 14n)]);
  });

  it('does not take a batch whose ends fit the segment but whose middle does not', () => {
    const tracker = new OffsetSegmentTracker(tp);
    ack(tracker, [0n], [0n]);
    // Same difference at both ends, but the target offsets are not consecutive.
    ack(tracker, [1n, 2n, 5n], [1n, 4n, 5n]);
    expect(tracker.takeChanged()).toEqual([seg(0n, 0n, 2n), seg(2n, 4n, 3n), seg(5n, 5n, 6n)]);
  });
});
