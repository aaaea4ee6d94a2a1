import type { KafkaErrorCode } from '@mirrormaker/kafka';

/**
 * What a failed produce to the target means for a mirrored partition:
 * - `remote-topic-missing`: the remote topic (or the partition) does not exist yet; wait for
 *   topic-config-sync to create it and try again, never skip;
 * - `rejected`: the broker refuses the records themselves (too large, invalid timestamp, policy
 *   violation, no WRITE ACL); the partition stalls on the first refused record until someone
 *   changes the target, while the other partitions go on;
 * - `fenced`: a newer holder of the partition took over the transactional id; stop at once;
 * - `transient`: the network, a timeout, a leader change; retry soon.
 */
export type ProduceFailureKind = 'remote-topic-missing' | 'rejected' | 'fenced' | 'transient';

const REJECTING: ReadonlySet<KafkaErrorCode> = new Set([
  'RECORD_TOO_LARGE',
  'INVALID_RECORD',
  'INVALID_CONFIG',
  'AUTHORIZATION_FAILED',
  'UNSUPPORTED_COMPRESSION',
  'INCOMPATIBLE_CLIENT',
]);

export function classifyProduceFailure(error: { code?: string; retriable?: boolean } | undefined): ProduceFailureKind {
  const code = error?.code as KafkaErrorCode | undefined;
  if (code === 'TOPIC_NOT_FOUND' || code === 'PARTITION_NOT_FOUND') return 'remote-topic-missing';
  if (code === 'PRODUCER_FENCED') return 'fenced';
  if (code !== undefined && REJECTING.has(code)) return 'rejected';
  // A broker error kafkajs has no name for (INVALID_TIMESTAMP, CORRUPT_MESSAGE, ...) that is not
  // worth retrying is a verdict on the records.
  if (code === 'UNKNOWN' && error?.retriable === false) return 'rejected';
  return 'transient';
}
