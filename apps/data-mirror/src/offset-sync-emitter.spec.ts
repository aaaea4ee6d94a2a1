import { decodeOffsetSync } from '@mirrormaker/mm2-formats';
import type { KafkaProducer } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { OffsetSyncEmitter } from './offset-sync-emitter';

describe('OffsetSyncEmitter', () => {
  /** A producer whose first send is slow: concurrent sends would land out of order. */
  function slowFirstProducer() {
    const written: Array<[bigint, bigint]> = [];
    let calls = 0;
    const producer: Pick<KafkaProducer, 'send'> = {
      async send(topic, records) {
        const delay = calls++ === 0 ? 30 : 0;
        await new Promise((r) => setTimeout(r, delay));
        const s = decodeOffsetSync(records[0].key!, records[0].value!);
        expect(topic).toBe('mm2-offset-syncs.B.internal');
        expect(records[0].partition).toBe(0);
        written.push([s.upstreamOffset, s.downstreamOffset]);
        return new Map([[0, 0n]]);
      },
    };
    return { producer, written };
  }

  it("sends due syncs right away, in order, and the delayed one on flush (MM2's rule with offset.lag.max)", async () => {
    const { producer, written } = slowFirstProducer();
    const emitter = new OffsetSyncEmitter({ producer, topic: async () => 'mm2-offset-syncs.B.internal', maxOffsetLag: 2n, logger: createLogger({ service: 't', level: 'silent' }) });
    const tp = { topic: 't', partition: 0 };
    emitter.recordsAcked(tp, 6, (i) => BigInt(i), (i) => BigInt(i) + 10n);
    await emitter.settle(1000);
    // lag 2: sync at d=10 (first), then when d - (10 + 1) >= 2 → d=13, then d - 14 >= 2 → d=16 (not reached)
    expect(written).toEqual([
      [0n, 10n],
      [3n, 13n],
    ]);
    emitter.flush();
    await emitter.settle(1000);
    expect(written[written.length - 1]).toEqual([5n, 15n]);
  });

  it('keeps going after a failed send', async () => {
    const sent: bigint[] = [];
    let first = true;
    const producer: Pick<KafkaProducer, 'send'> = {
      async send(_topic, records) {
        if (first) {
          first = false;
          throw new Error('boom');
        }
        sent.push(decodeOffsetSync(records[0].key!, records[0].value!).upstreamOffset);
        return new Map();
      },
    };
    const failures: Error[] = [];
    const emitter = new OffsetSyncEmitter({ producer, topic: async () => 'x', maxOffsetLag: 0n, logger: createLogger({ service: 't', level: 'silent' }), onFailed: (e) => failures.push(e) });
    emitter.recordsAcked({ topic: 't', partition: 1 }, 3, BigInt, BigInt);
    await emitter.settle(1000);
    expect(failures).toHaveLength(1);
    expect(sent).toEqual([1n, 2n]);
  });
});
