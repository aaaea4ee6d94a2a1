import type { Logger } from './logger';
import { metricFactory, type Counter } from './metric-factory';
import type { Registry } from './metrics';
import { RepeatThrottle } from './repeat-throttle';

/**
 * Records of an internal topic (offset syncs, offset segments, checkpoints, stored positions, the
 * coordinator's config and leader topics) that a reader cannot use. A reader skips such a record
 * and keeps going: one corrupt record must never stop a service. Every skip is counted; the log
 * names the record's topic, partition and offset, so an operator can look at it, for the first
 * skip of a topic and reason and then at most once a minute (with how many were skipped since), so
 * a topic full of garbage does not flood the log.
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
export function skippedRecordReporter(counter: InternalRecordsSkipped, logger: Logger, throttle = new RepeatThrottle(60_000)): SkippedRecordReporter {
  return {
    skipped({ topic, partition, offset }, reason, error) {
      counter.inc({ topic, reason });
      const line = throttle.admit(`${topic}\u0000${reason}`);
      if (!line) return;
      logger.warn(
        { topic, partition, offset: offset.toString(), reason, ...line, ...(error === undefined ? {} : { err: error instanceof Error ? error.message : String(error) }) },
        `skipping record ${topic}/${partition}@${offset.toString()}: ${reason}` +
          (line.occurrences > 1 ? ` (${line.occurrences} records of this topic skipped for this reason since the last line)` : '') +
          ` (further skips are counted in ${INTERNAL_RECORDS_SKIPPED_METRIC} and logged at most once every ${Math.round(throttle.intervalMs / 1000)} s)`,
      );
    },
  };
}
