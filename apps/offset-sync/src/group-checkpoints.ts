import type { Checkpoint } from '@mirrormaker/mm2-formats';
import {
  checkpointsForGroup,
  type CheckpointsForGroupInput,
  type DownstreamTranslator,
  type TopicPartition,
  type TranslationMethod,
} from '@mirrormaker/offset-translation';

export interface GroupCheckpoints {
  /** Checkpoints to emit (MM2's emission rule already applied). */
  readonly checkpoints: Checkpoint[];
  /**
   * Source partitions whose committed offset is older than every offset sync kept for them: the
   * group cannot be translated there (a failed-over consumer would get no position).
   */
  readonly misses: TopicPartition[];
  /** How many offsets each method translated. */
  readonly methods: ReadonlyMap<TranslationMethod, number>;
}

/**
 * `checkpointsForGroup`, also reporting the partitions it had to drop as too old to translate and
 * how the others were translated.
 */
export function groupCheckpoints(input: CheckpointsForGroupInput): GroupCheckpoints {
  const misses: TopicPartition[] = [];
  const methods = new Map<TranslationMethod, number>();
  const translator: DownstreamTranslator = {
    translateDownstream(tp, upstreamOffset) {
      const translation = input.translator.translateDownstream(tp, upstreamOffset);
      if (translation.kind === 'tooOld') misses.push({ topic: tp.topic, partition: tp.partition });
      if (translation.kind === 'ok') methods.set(translation.method, (methods.get(translation.method) ?? 0) + 1);
      return translation;
    },
  };
  return { checkpoints: checkpointsForGroup({ ...input, translator }), misses, methods };
}
