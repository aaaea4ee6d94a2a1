import { TranslationMethod } from '@mirrormaker/proto';
import {
  parseTopicPartitionKey,
  type DownstreamTranslator,
  type OffsetAndMetadata,
  type TopicPartitionKey,
} from '@mirrormaker/offset-translation';

/** One partition of a group's position translated to the target (the TranslateOffsets answer). */
export interface TranslatedPosition {
  /** Target-side topic. */
  readonly topic: string;
  readonly partition: number;
  /** Where a consumer of the group resumes on the target. */
  readonly downstreamOffset: bigint;
  /** The group's committed offset on the source. */
  readonly upstreamOffset: bigint;
  /** At most this many records are delivered again after resuming at `downstreamOffset`. */
  readonly recordsReread: bigint;
  readonly metadata: string;
  readonly method: TranslationMethod;
}

export interface TranslateGroupInput {
  /** The group's committed offsets on the source, by source topic-partition. */
  readonly committed: ReadonlyMap<TopicPartitionKey, OffsetAndMetadata>;
  readonly shouldTranslateTopic: (sourceTopic: string) => boolean;
  readonly translator: DownstreamTranslator;
  readonly renameTopic: (sourceTopic: string) => string;
}

/**
 * A group's current position on the target, partition by partition, from the same translation a
 * checkpoint takes but without the emission rule: partitions that cannot be translated (no
 * segment or sync at or below the offset, stores not loaded) are left out. Sorted by target topic, then partition.
 */
export function translateGroupOffsets(input: TranslateGroupInput): TranslatedPosition[] {
  const result: TranslatedPosition[] = [];
  for (const [key, committed] of input.committed) {
    const source = parseTopicPartitionKey(key);
    if (!input.shouldTranslateTopic(source.topic)) continue;
    const translation = input.translator.translateDownstream(source, committed.offset);
    if (translation.kind !== 'ok' || translation.downstream < 0n) continue;
    result.push({
      topic: input.renameTopic(source.topic),
      partition: source.partition,
      downstreamOffset: translation.downstream,
      upstreamOffset: committed.offset,
      recordsReread: translation.recordsReread,
      metadata: committed.metadata,
      method: translation.method === 'exact' ? TranslationMethod.TRANSLATION_METHOD_EXACT : TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS,
    });
  }
  return result.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}
