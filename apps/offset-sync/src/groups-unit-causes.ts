/**
 * Every cause a `groups/<flow>/0` unit reports (ErrorReport.cause, `mirrormaker_unit_failures_total`):
 * first why it cannot run here at all, then the problems of a running unit. Each step that
 * succeeds clears its own cause.
 */
export const GROUPS_UNIT_CAUSES = [
  /** The unit id is not `groups/<flow>/<shard>`. */
  'NOT_A_GROUPS_UNIT',
  /** The flow is not in this instance's config. */
  'UNKNOWN_FLOW',
  /** The flow is not enabled (a note, not reported). */
  'FLOW_DISABLED',
  /** emit.checkpoints.enabled=false (a note, not reported). */
  'CHECKPOINTS_DISABLED',
  /** Checkpoints need offset syncs, and the flow turned them off. */
  'OFFSET_SYNCS_DISABLED',
  /** Only shard 0 (all groups of the flow) exists. */
  'UNSUPPORTED_SHARD',
  /** The checkpoints topic could not be created; retried with backoff. */
  'CHECKPOINTS_TOPIC',
  /** Reading the checkpoints topic failed (other than not authorised / missing); retried with backoff. */
  'CHECKPOINTS_LOAD',
  /** Earlier checkpoints could not be read; the unit runs without them. */
  'CHECKPOINTS_UNREADABLE',
  /** The offset-syncs topic could not be read (e.g. it does not exist yet); retried with backoff. */
  'OFFSET_SYNCS_TOPIC',
  /** The offset-segments topic exists but cannot be read; translation falls back to the offset syncs. */
  'OFFSET_SEGMENTS_TOPIC',
  /** A checkpoint round failed; tried again next round. */
  'CHECKPOINT_ROUND',
  /** A round over the target groups (lag, group offset sync) failed; tried again next round. */
  'TARGET_GROUPS_ROUND',
  /** The unit stopped working on an error nobody expected. */
  'UNEXPECTED',
] as const;
export type GroupsUnitCause = (typeof GROUPS_UNIT_CAUSES)[number];

/** The steps of a groups unit before it runs, shown as its phase in /healthz. */
export type GroupsUnitPhase = 'creating-checkpoints-topic' | 'loading-checkpoints' | 'waiting-for-offset-syncs' | 'reading-offset-syncs';
