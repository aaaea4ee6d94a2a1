import type { Logger } from './logger';
import { metricFactory, type Counter } from './metric-factory';
import type { Registry } from './metrics';

/**
 * Records of an internal topic (offset syncs, offset segments, checkpoints, stored positions, the
 * coordinator's config and leader topics) that a reader cannot use. A reader skips such a record
 * and keeps going: one corrupt record must never stop a service. Every skip is counted and logged
 * with the record's topic, partition and offset, so an operator can look at it.
 *
 * Reasons: `undecodable` (the bytes are not the topic's format), `no-key-or-value` (a record where
 * the format needs both).
 */
export type SkipReason = 'undecodable' | 'no-key-or-value';

export const INTERNAL_RECORDS_SKIPPED_METRIC = 'mirrormaker_internal_records_skipped_total';

export interface SkippedRecordReporter {
  skipped(record: { readonly topic: string; readonly partition: number; readonly offset: bigint | string }, reason: SkipReason, error?: unknown): void;
}

export type InternalRecordsSkipped = Counter<'topic' | 'reason'>;

/** The series of a service's registry; declared on first use, so any number of readers may share it. */
export function internalRecordsSkippedCounter(registry: Registry): InternalRecordsSkipped {
  return (
    (registry.getSingleMetric(INTERNAL_RECORDS_SKIPPED_METRIC) as InternalRecordsSkipped | undefined) ??
    metricFactory(registry).counter(
      INTERNAL_RECORDS_SKIPPED_METRIC,
      'Records of an internal topic that were skipped because they cannot be read (reason "undecodable" or "no-key-or-value").',
      ['topic', 'reason'],
    )
  );
}

/** Counts on `counter` and logs on `logger` (the reader's, so the log line says which unit skipped). */
export function skippedRecordReporter(counter: InternalRecordsSkipped, logger: Logger): SkippedRecordReporter {
  return {
    skipped({ topic, partition, offset }, reason, error) {
      counter.inc({ topic, reason });
      logger.warn(
        { topic, partition, offset: offset.toString(), reason, ...(error === undefined ? {} : { err: error instanceof Error ? error.message : String(error) }) },
        `skipping record ${topic}/${partition}@${offset.toString()}: ${reason}`,
      );
    },
  };
}
