import type { KafkaClient } from '@mirrormaker/kafka';
import { decodeCheckpoint } from '@mirrormaker/mm2-formats';
import type { Logger, SkippedRecordReporter } from '@mirrormaker/observability';
import type { CheckpointStore } from '@mirrormaker/offset-translation';
import { PartitionFollower } from './partition-follower';

export interface CheckpointLoadResult {
  readonly records: number;
  /** Records that were not checkpoints (tombstones, bytes that do not decode). */
  readonly skipped: number;
}

/**
 * Reads the checkpoints topic once, from its first offset to the end it had when the read began,
 * into `store` (records of groups `keepGroup` rejects are ignored), and closes the reader. The
 * caller ends the load with `store.finishLoad`. Throws when the topic cannot be read; aborting
 * throws too.
 */
export async function loadCheckpoints(options: {
  readonly client: KafkaClient;
  readonly topic: string;
  readonly store: CheckpointStore;
  readonly keepGroup: (group: string) => boolean;
  /** Each kept checkpoint's group and record timestamp (ms). */
  readonly onCheckpoint?: (group: string, timestamp: number) => void;
  readonly logger: Logger;
  readonly skipped: SkippedRecordReporter;
  readonly signal: AbortSignal;
}): Promise<CheckpointLoadResult> {
  const { store, logger, topic } = options;
  let records = 0;
  let skipped = 0;
  const follower = await PartitionFollower.start({
    client: options.client,
    topic,
    logger,
    onRecords(batch) {
      for (const record of batch) {
        records += 1;
        const where = { topic, partition: 0, offset: record.offset };
        if (record.key === null || record.value === null) {
          skipped += 1;
          options.skipped.skipped(where, 'no-key-or-value');
          continue;
        }
        try {
          const checkpoint = decodeCheckpoint(record.key, record.value);
          if (options.keepGroup(checkpoint.group)) {
            store.loadRecord(checkpoint);
            options.onCheckpoint?.(checkpoint.group, Number(record.timestamp));
          }
        } catch (err) {
          skipped += 1;
          options.skipped.skipped(where, 'undecodable', err);
        }
      }
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new Error('stopped while loading checkpoints'));
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort, { once: true });
      void follower.caughtUp.then(() => {
        options.signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  } finally {
    await follower.close();
  }
  return { records, skipped };
}
