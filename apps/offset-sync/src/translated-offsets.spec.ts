import { ExactTranslator, OffsetSegmentStore, OffsetSyncStore } from '@mirrormaker/offset-translation';
import { TranslationMethod } from '@mirrormaker/proto';
import { translateGroupOffsets } from './translated-offsets';

function storeWith(syncs: Array<[string, number, bigint, bigint]>, loaded = true): OffsetSyncStore {
  const s = new OffsetSyncStore({ initializationMustReadToEnd: false });
  for (const [topic, partition, upstreamOffset, downstreamOffset] of syncs) s.applySync({ topic, partition, upstreamOffset, downstreamOffset });
  if (loaded) s.completeInitialLoad();
  return s;
}

const BY_SYNCS = TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS;

const rules = { shouldTranslateTopic: (topic: string) => !topic.startsWith('x'), renameTopic: (topic: string) => `A.${topic}` };

describe('translateGroupOffsets', () => {
  it('gives downstream offset, upstream offset and the re-read bound per target partition', () => {
    const positions = translateGroupOffsets({
      ...rules,
      committed: new Map([
        ['t-1', { offset: 100n, metadata: '' }],
        ['t-0', { offset: 150n, metadata: 'meta' }],
        ['b-0', { offset: 7n, metadata: '' }],
      ]),
      translator: storeWith([
        ['t', 0, 100n, 200n],
        ['t', 1, 100n, 90n],
        ['b', 0, 0n, 0n],
      ]),
    });
    expect(positions).toEqual([
      { topic: 'A.b', partition: 0, downstreamOffset: 1n, upstreamOffset: 7n, recordsReread: 6n, metadata: '', method: BY_SYNCS },
      { topic: 'A.t', partition: 0, downstreamOffset: 201n, upstreamOffset: 150n, recordsReread: 49n, metadata: 'meta', method: BY_SYNCS },
      { topic: 'A.t', partition: 1, downstreamOffset: 90n, upstreamOffset: 100n, recordsReread: 0n, metadata: '', method: BY_SYNCS },
    ]);
  });

  it('leaves out filtered topics, partitions without syncs and offsets older than every sync', () => {
    const positions = translateGroupOffsets({
      ...rules,
      committed: new Map([
        ['x-0', { offset: 5n, metadata: '' }],
        ['t-0', { offset: 5n, metadata: '' }],
        ['u-0', { offset: 5n, metadata: '' }],
      ]),
      translator: storeWith([
        ['x', 0, 0n, 0n],
        ['t', 0, 10n, 10n],
      ]),
    });
    expect(positions).toEqual([]);
  });

  it('translates nothing before the offset syncs were read to the end once', () => {
    const positions = translateGroupOffsets({
      ...rules,
      committed: new Map([['t-0', { offset: 5n, metadata: '' }]]),
      translator: storeWith([['t', 0, 0n, 0n]], false),
    });
    expect(positions).toEqual([]);
  });

  it('answers exactly where offset segments cover the offset, and says so', () => {
    const segments = new OffsetSegmentStore();
    segments.apply({ topic: 't', partition: 0, upstreamStart: 100n, downstreamStart: 200n, upstreamEnd: 1000n }, 0);
    segments.completeInitialLoad();
    const positions = translateGroupOffsets({
      ...rules,
      committed: new Map([['t-0', { offset: 590n, metadata: '' }]]),
      translator: new ExactTranslator(segments, storeWith([['t', 0, 100n, 200n]])),
    });
    expect(positions).toEqual([
      { topic: 'A.t', partition: 0, downstreamOffset: 690n, upstreamOffset: 590n, recordsReread: 0n, metadata: '', method: TranslationMethod.TRANSLATION_METHOD_EXACT },
    ]);
  });
});
