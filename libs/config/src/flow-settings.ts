import { checkFilterList } from './java-regex';
import type { SettingSpec, ValueFinding } from './setting-spec';
import {
  choiceParser,
  classParser,
  fail,
  formatList,
  integerParser,
  javaTrim,
  ok,
  parseBoolean,
  parseList,
  simpleName,
  type ValueParser,
} from './value-parsers';

export type ReplicationPolicyClass = 'default' | 'identity';
export type OffsetSyncsTopicLocation = 'source' | 'target';
export type UseDefaultsFrom = 'source' | 'target';
export type ExactlyOnceSupport = 'requested' | 'required';

/** Every typed per-flow key, flat; `FlowConfig` groups the replication policy ones. */
export interface FlowSettings {
  readonly enabled: boolean;
  readonly topics: readonly string[];
  readonly topicsExclude: readonly string[];
  readonly groups: readonly string[];
  readonly groupsExclude: readonly string[];
  readonly configPropertiesExclude: readonly string[];
  readonly useDefaultsFrom: UseDefaultsFrom;
  readonly topicFilterClass: string;
  readonly groupFilterClass: string;
  readonly configPropertyFilterClass: string;
  readonly replicationPolicyClass: ReplicationPolicyClass;
  readonly replicationPolicySeparator: string;
  readonly replicationPolicyInternalTopicSeparatorEnabled: boolean;
  readonly replicationFactor: number;
  readonly offsetSyncsTopicReplicationFactor: number;
  readonly checkpointsTopicReplicationFactor: number;
  readonly heartbeatsTopicReplicationFactor: number;
  readonly offsetSyncsTopicLocation: OffsetSyncsTopicLocation;
  readonly offsetLagMax: number;
  readonly emitOffsetSyncsEnabled: boolean;
  readonly heartbeatsReplicationEnabled: boolean;
  readonly emitHeartbeatsEnabled: boolean;
  readonly emitHeartbeatsIntervalSeconds: number;
  readonly emitCheckpointsEnabled: boolean;
  readonly emitCheckpointsIntervalSeconds: number;
  readonly syncGroupOffsetsEnabled: boolean;
  readonly syncGroupOffsetsIntervalSeconds: number;
  readonly syncTopicConfigsEnabled: boolean;
  readonly syncTopicConfigsIntervalSeconds: number;
  readonly syncTopicAclsEnabled: boolean;
  readonly syncTopicAclsIntervalSeconds: number;
  readonly refreshTopicsEnabled: boolean;
  readonly refreshTopicsIntervalSeconds: number;
  readonly refreshGroupsEnabled: boolean;
  readonly refreshGroupsIntervalSeconds: number;
  readonly consumerPollTimeoutMs: number;
  readonly adminTimeoutMs: number;
  readonly tasksMax: number;
  readonly forwardingAdminClass: string;
  readonly metricReporters: readonly string[];
  readonly exactlyOnceSupport: ExactlyOnceSupport;
  readonly exactlyOnceEnabled: boolean;
  readonly metricsPartitionLabelEnabled: boolean;
  readonly syncGroupAclsEnabled: boolean;
  readonly offsetSegmentsRetentionMs: number;
}

export type FlowSettingSpecs = { readonly [F in keyof FlowSettings]: SettingSpec<FlowSettings[F]> };

const JAVA_LONG_MAX = Number.MAX_SAFE_INTEGER;
const formatBoolean = (value: boolean): string => String(value);
const formatNumber = (value: number): string => String(value);
const formatString = (value: string): string => value;

const DEFAULT_REPLICATION_POLICY = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
const IDENTITY_REPLICATION_POLICY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';
const JMX_REPORTER = 'org.apache.kafka.common.metrics.JmxReporter';

// MM2 accepts any long here; a negative interval means the task never runs (see DISABLING_INTERVALS).
const parseInterval = integerParser({ min: -JAVA_LONG_MAX, max: JAVA_LONG_MAX, what: 'an interval in seconds', code: 'invalid-interval' });
const parseMillis = integerParser({ min: 0, max: JAVA_LONG_MAX, what: 'a duration in milliseconds', code: 'invalid-interval' });
const parseTopicReplicationFactor = integerParser({ min: 1, max: 32767, what: 'a replication factor', alsoAllowed: [-1] });

function checkInterval(value: number, enabledKey: string, disables: string): ValueFinding[] {
  if (value < 0) {
    return [
      {
        severity: 'warning',
        code: 'invalid-interval',
        message: `a negative interval disables ${disables}, as in MM2 (the same as ${enabledKey} = false)`,
        hint: `write ${enabledKey} = false to say so, or use a positive interval`,
      },
    ];
  }
  return value === 0
    ? [
        {
          severity: 'warning',
          code: 'invalid-interval',
          message: 'an interval of 0 runs the task back to back',
          hint: 'use at least 1 second',
        },
      ]
    : [];
}

function checkPatterns(value: readonly string[]): ValueFinding[] {
  return checkFilterList(value).map((failure) => ({
    severity: 'error',
    code: failure.kind === 'invalid' ? 'invalid-regex' : 'unsupported-regex',
    message:
      failure.kind === 'invalid'
        ? `pattern "${failure.item}" is not a valid regular expression here: ${failure.reason}`
        : `pattern "${failure.item}" uses Java-only regex syntax: ${failure.reason}`,
    hint:
      failure.kind === 'invalid'
        ? 'fix the pattern; each comma-separated item must match a whole name (possessive quantifiers, atomic groups and inline flags are not supported)'
        : 'rewrite it with plain character classes such as [a-z] or [0-9], and escape literals with a backslash',
  }));
}

const parseReplicationPolicyClass: ValueParser<ReplicationPolicyClass> = (text) => {
  const trimmed = javaTrim(text);
  for (const [kind, className] of [
    ['default', DEFAULT_REPLICATION_POLICY],
    ['identity', IDENTITY_REPLICATION_POLICY],
  ] as const) {
    if (trimmed === className || trimmed === simpleName(className) || trimmed.toLowerCase() === kind) return ok(kind);
  }
  return fail(
    `unknown replication policy class "${trimmed}"`,
    `use ${DEFAULT_REPLICATION_POLICY} or ${IDENTITY_REPLICATION_POLICY} (short names DefaultReplicationPolicy, IdentityReplicationPolicy work too)`,
    'unknown-replication-policy',
  );
};

const parseSeparator: ValueParser<string> = (text) => {
  const trimmed = javaTrim(text);
  return trimmed === '' ? fail('the separator is empty', 'use a non-empty separator such as . or _') : ok(trimmed);
};

function listSpec(key: string, mm2Default: readonly string[], doc: string, topLevel = true): SettingSpec<readonly string[]> {
  return {
    key,
    parse: (text) => ok(parseList(text)),
    format: formatList,
    check: checkPatterns,
    mm2Default,
    defaultValue: mm2Default,
    topLevel,
    doc,
  };
}

function booleanSpec(key: string, mm2Default: boolean, doc: string, extra: Partial<SettingSpec<boolean>> = {}): SettingSpec<boolean> {
  return { key, parse: parseBoolean, format: formatBoolean, mm2Default, defaultValue: mm2Default, topLevel: true, doc, ...extra };
}

interface IntervalOptions {
  readonly mm2Default: number;
  readonly ours: number;
  /** The enabled key a negative interval stands for. */
  readonly enabledKey: string;
  /** What a negative interval turns off, for the warning. */
  readonly disables: string;
  readonly doc: string;
  /** Why `ours` differs from `mm2Default`. */
  readonly reason?: string;
}

function intervalSpec(key: string, options: IntervalOptions): SettingSpec<number> {
  return {
    key,
    parse: parseInterval,
    format: formatNumber,
    check: (value) => checkInterval(value, options.enabledKey, options.disables),
    mm2Default: options.mm2Default,
    defaultValue: options.ours,
    topLevel: true,
    doc: options.doc,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
}

function replicationFactorSpec(key: string, doc: string): SettingSpec<number> {
  return { key, parse: parseTopicReplicationFactor, format: formatNumber, mm2Default: 3, defaultValue: 3, topLevel: true, doc };
}

function classSpec(key: string, className: string, doc: string): SettingSpec<string> {
  return {
    key,
    parse: classParser([className], key),
    format: formatString,
    mm2Default: className,
    defaultValue: className,
    topLevel: true,
    doc,
  };
}

const FAST_DISCOVERY = 'new topics, partitions and groups are noticed within seconds instead of ten minutes';

/** Every typed per-flow key with MM2's default and ours. */
export const FLOW_SETTINGS: FlowSettingSpecs = {
  enabled: booleanSpec('enabled', false, 'Replicate records source->target. Dedicated mode treats an unset value as false.'),
  topics: listSpec('topics', ['.*'], 'Topics to replicate (Java regexes, comma-separated, whole-name match).'),
  topicsExclude: listSpec('topics.exclude', ['.*[\\-\\.]internal', '.*\\.replica', '__.*'], 'Topics never replicated; wins over topics.'),
  groups: listSpec('groups', ['.*'], 'Consumer groups to checkpoint.'),
  groupsExclude: listSpec('groups.exclude', ['console-consumer-.*', 'connect-.*', '__.*'], 'Groups never checkpointed; wins over groups.'),
  configPropertiesExclude: listSpec(
    'config.properties.exclude',
    [
      'follower\\.replication\\.throttled\\.replicas',
      'leader\\.replication\\.throttled\\.replicas',
      'message\\.timestamp\\.difference\\.max\\.ms',
      'message\\.timestamp\\.type',
      'unclean\\.leader\\.election\\.enable',
      'min\\.insync\\.replicas',
    ],
    'Topic config names never copied to remote topics.',
  ),
  useDefaultsFrom: {
    key: 'use.defaults.from',
    parse: choiceParser<UseDefaultsFrom>(['source', 'target'], true),
    format: formatString,
    mm2Default: 'target',
    defaultValue: 'target',
    topLevel: false,
    doc: 'Whose defaults a topic config left at its default follows: target (delete on target) or source (copy).',
  },
  topicFilterClass: classSpec('topic.filter.class', 'org.apache.kafka.connect.mirror.DefaultTopicFilter', 'Topic filter implementation.'),
  groupFilterClass: classSpec('group.filter.class', 'org.apache.kafka.connect.mirror.DefaultGroupFilter', 'Group filter implementation.'),
  configPropertyFilterClass: classSpec(
    'config.property.filter.class',
    'org.apache.kafka.connect.mirror.DefaultConfigPropertyFilter',
    'Topic config filter implementation.',
  ),
  replicationPolicyClass: {
    key: 'replication.policy.class',
    parse: parseReplicationPolicyClass,
    format: (value) => (value === 'identity' ? IDENTITY_REPLICATION_POLICY : DEFAULT_REPLICATION_POLICY),
    mm2Default: 'default',
    defaultValue: 'default',
    topLevel: true,
    doc: 'Remote topic naming: default (<source><sep><topic>) or identity (same name).',
  },
  replicationPolicySeparator: {
    key: 'replication.policy.separator',
    parse: parseSeparator,
    format: formatString,
    mm2Default: '.',
    defaultValue: '.',
    topLevel: true,
    doc: 'Separator between the source alias and the topic name in remote topic names.',
  },
  replicationPolicyInternalTopicSeparatorEnabled: booleanSpec(
    'replication.policy.internal.topic.separator.enabled',
    true,
    'Use the separator in checkpoints/offset-syncs topic names too (false keeps the pre-3.1 dots).',
    { since: '3.6' },
  ),
  replicationFactor: {
    key: 'replication.factor',
    parse: integerParser({ min: 1, max: 2147483647, what: 'a replication factor', alsoAllowed: [-1] }),
    format: formatNumber,
    mm2Default: 2,
    defaultValue: 2,
    topLevel: true,
    doc: 'Replication factor of remote topics created on the target (-1: broker default).',
  },
  offsetSyncsTopicReplicationFactor: replicationFactorSpec('offset-syncs.topic.replication.factor', 'Replication factor of the offset-syncs topic.'),
  checkpointsTopicReplicationFactor: replicationFactorSpec('checkpoints.topic.replication.factor', 'Replication factor of the checkpoints topic.'),
  heartbeatsTopicReplicationFactor: replicationFactorSpec('heartbeats.topic.replication.factor', 'Replication factor of the heartbeats topic.'),
  offsetSyncsTopicLocation: {
    key: 'offset-syncs.topic.location',
    parse: choiceParser<OffsetSyncsTopicLocation>(['source', 'target'], true),
    format: formatString,
    mm2Default: 'source',
    defaultValue: 'source',
    topLevel: true,
    doc: 'Cluster holding the offset-syncs topic.',
  },
  offsetLagMax: {
    key: 'offset.lag.max',
    parse: integerParser({ min: 0, max: JAVA_LONG_MAX, what: 'an offset count' }),
    format: formatNumber,
    mm2Default: 100,
    defaultValue: 100,
    topLevel: true,
    doc: 'How far the target may run ahead of the last offset sync before a new one is emitted.',
  },
  emitOffsetSyncsEnabled: booleanSpec('emit.offset-syncs.enabled', true, 'Write offset syncs (needed for checkpoints).', { since: '3.9' }),
  heartbeatsReplicationEnabled: booleanSpec(
    'heartbeats.replication.enabled',
    true,
    'Replicate heartbeats topics even when the topic filters exclude them.',
    { since: '4.0' },
  ),
  emitHeartbeatsEnabled: booleanSpec('emit.heartbeats.enabled', true, 'Write heartbeats into the target, even for flows that are not enabled.'),
  emitHeartbeatsIntervalSeconds: intervalSpec('emit.heartbeats.interval.seconds', {
    mm2Default: 1,
    ours: 1,
    enabledKey: 'emit.heartbeats.enabled',
    disables: 'heartbeats',
    doc: 'Seconds between heartbeats; negative: no heartbeats.',
  }),
  emitCheckpointsEnabled: booleanSpec('emit.checkpoints.enabled', true, 'Write consumer group checkpoints to the target.'),
  emitCheckpointsIntervalSeconds: intervalSpec('emit.checkpoints.interval.seconds', {
    mm2Default: 60,
    ours: 1,
    enabledKey: 'emit.checkpoints.enabled',
    disables: 'checkpoints, and with them the group offset sync',
    doc: 'Seconds between checkpoint rounds; negative: no checkpoints.',
    reason: 'a failed-over consumer re-reads at most about a second of progress instead of a minute',
  }),
  syncGroupOffsetsEnabled: booleanSpec('sync.group.offsets.enabled', false, 'Commit translated offsets to groups that are idle on the target.'),
  syncGroupOffsetsIntervalSeconds: intervalSpec('sync.group.offsets.interval.seconds', {
    mm2Default: 60,
    ours: 1,
    enabledKey: 'sync.group.offsets.enabled',
    disables: 'the group offset sync',
    doc: 'Seconds between group offset syncs; negative: no group offset sync.',
    reason: 'target groups follow their source groups within about a second',
  }),
  syncTopicConfigsEnabled: booleanSpec('sync.topic.configs.enabled', true, 'Keep remote topic configs in step with the source.'),
  syncTopicConfigsIntervalSeconds: intervalSpec('sync.topic.configs.interval.seconds', {
    mm2Default: 600,
    ours: 30,
    enabledKey: 'sync.topic.configs.enabled',
    disables: 'the topic config sync',
    doc: 'Seconds between topic config syncs; negative: no config sync.',
    reason: 'config changes (retention, cleanup policy) reach the target within half a minute',
  }),
  syncTopicAclsEnabled: booleanSpec('sync.topic.acls.enabled', true, 'Copy topic ACLs to remote topics.'),
  syncTopicAclsIntervalSeconds: intervalSpec('sync.topic.acls.interval.seconds', {
    mm2Default: 600,
    ours: 30,
    enabledKey: 'sync.topic.acls.enabled',
    disables: 'the topic ACL sync',
    doc: 'Seconds between ACL syncs; negative: no ACL sync.',
    reason: 'consumers can read remote topics within half a minute of an ACL change',
  }),
  refreshTopicsEnabled: booleanSpec('refresh.topics.enabled', true, 'Look for new topics and partitions periodically.'),
  refreshTopicsIntervalSeconds: intervalSpec('refresh.topics.interval.seconds', {
    mm2Default: 600,
    ours: 10,
    enabledKey: 'refresh.topics.enabled',
    disables: 'the periodic topic refresh (topics are still found once at start)',
    doc: 'Seconds between topic discoveries; negative: only the discovery at start.',
    reason: FAST_DISCOVERY,
  }),
  refreshGroupsEnabled: booleanSpec('refresh.groups.enabled', true, 'Look for new consumer groups periodically.'),
  refreshGroupsIntervalSeconds: intervalSpec('refresh.groups.interval.seconds', {
    mm2Default: 600,
    ours: 10,
    enabledKey: 'refresh.groups.enabled',
    disables: 'the periodic group refresh (groups are still found once at start)',
    doc: 'Seconds between group discoveries; negative: only the discovery at start.',
    reason: FAST_DISCOVERY,
  }),
  consumerPollTimeoutMs: {
    key: 'consumer.poll.timeout.ms',
    parse: parseMillis,
    format: formatNumber,
    mm2Default: 1000,
    defaultValue: 1000,
    check: (value) => (value === 1000 ? [] : [
      {
        severity: 'warning',
        code: 'ignored-key',
        message:
          'consumer.poll.timeout.ms is not applied: a source fetch waits at most consumer.fetch.max.wait.ms, and checkpoint rounds follow emit.checkpoints.interval.seconds',
        hint: 'remove it; set consumer.fetch.max.wait.ms to bound the wait of a fetch',
      },
    ]),
    topLevel: true,
    doc: 'Longest wait of one source consumer poll in MM2; not applied here (see consumer.fetch.max.wait.ms).',
  },
  adminTimeoutMs: {
    key: 'admin.timeout.ms',
    parse: parseMillis,
    format: formatNumber,
    mm2Default: 60000,
    defaultValue: 60000,
    topLevel: true,
    doc: 'Timeout of admin operations such as listing topics.',
  },
  tasksMax: {
    key: 'tasks.max',
    parse: integerParser({ min: 1, max: 2147483647, what: 'a task count' }),
    format: formatNumber,
    mm2Default: 1,
    defaultValue: 1,
    check: (value) => (value === 1 ? [] : [
      {
        severity: 'warning',
        code: 'ignored-key',
        message: 'tasks.max is not applied: partitions are spread over the running data-mirror instances by leases',
        hint: 'remove it; run more data-mirror instances to copy more partitions in parallel',
      },
    ]),
    topLevel: true,
    doc: 'Connect task count; accepted for compatibility, work is spread by leases instead.',
  },
  forwardingAdminClass: classSpec('forwarding.admin.class', 'org.apache.kafka.clients.admin.ForwardingAdmin', 'Admin client wrapper.'),
  metricReporters: {
    key: 'metric.reporters',
    parse: (text) => ok(parseList(text)),
    format: formatList,
    check: (value) =>
      value.some((name) => name !== JMX_REPORTER && name !== simpleName(JMX_REPORTER))
        ? [
            {
              severity: 'warning',
              code: 'unsupported-class',
              message: 'metric reporters are not loaded; metrics are served for Prometheus',
              hint: 'remove metric.reporters',
            },
          ]
        : [],
    mm2Default: [JMX_REPORTER],
    defaultValue: [JMX_REPORTER],
    topLevel: true,
    doc: 'JMX reporters in MM2; unused here (every service exposes /metrics).',
  },
  exactlyOnceSupport: {
    key: 'exactly.once.support',
    parse: choiceParser<ExactlyOnceSupport>(['requested', 'required']),
    format: formatString,
    mm2Default: 'requested',
    defaultValue: 'requested',
    topLevel: false,
    since: '3.5',
    doc: 'Connect source-connector key: required refuses to run the flow without exactly-once.',
  },
  exactlyOnceEnabled: {
    key: 'exactly.once.enabled',
    parse: parseBoolean,
    format: formatBoolean,
    defaultValue: false,
    ours: true,
    topLevel: true,
    doc: 'Copy records and positions in one transaction per batch. Unset: on when the target cluster has exactly.once.source.support=enabled (as MM2 3.5+), else off.',
  },
  metricsPartitionLabelEnabled: {
    key: 'metrics.partition.label.enabled',
    parse: parseBoolean,
    format: formatBoolean,
    defaultValue: true,
    ours: true,
    topLevel: true,
    doc: 'Label the data mirror\'s per-partition metrics with the partition; false sums them per topic (far fewer series for topics with many partitions).',
  },
  syncGroupAclsEnabled: {
    key: 'sync.group.acls.enabled',
    parse: parseBoolean,
    format: formatBoolean,
    defaultValue: false,
    ours: true,
    topLevel: true,
    doc: 'Also copy READ and DESCRIBE ACLs of the consumer groups that pass the group filter, so consumers that fail over find their group usable on the target.',
  },
  offsetSegmentsRetentionMs: {
    key: 'offset.segments.retention.ms',
    parse: integerParser({ min: 1, max: JAVA_LONG_MAX, what: 'a retention in milliseconds', code: 'invalid-interval', alsoAllowed: [-1] }),
    format: formatNumber,
    defaultValue: 604_800_000,
    ours: true,
    topLevel: true,
    doc:
      'retention.ms of the offset-segments topic when the data mirror creates it (-1: kept forever; default 7 days, Kafka\'s log retention). ' +
      'Keep it at least the retention.ms of the source topics: an offset still in a source topic then still has its exact mapping. ' +
      'Written only while emit.offset-syncs.enabled is true.',
  },
};

export const FLOW_SETTING_FIELDS = Object.keys(FLOW_SETTINGS) as Array<keyof FlowSettings>;

type BooleanField = { [F in keyof FlowSettings]: FlowSettings[F] extends boolean ? F : never }[keyof FlowSettings];

/**
 * MM2's scheduler never runs a task whose interval is negative, and its checkpoint and heartbeat
 * connectors start no task then: each interval and the enabled flag a negative value turns off.
 */
export const DISABLING_INTERVALS: ReadonlyArray<readonly [keyof FlowSettings, BooleanField]> = [
  ['emitHeartbeatsIntervalSeconds', 'emitHeartbeatsEnabled'],
  ['emitCheckpointsIntervalSeconds', 'emitCheckpointsEnabled'],
  ['syncGroupOffsetsIntervalSeconds', 'syncGroupOffsetsEnabled'],
  ['syncTopicConfigsIntervalSeconds', 'syncTopicConfigsEnabled'],
  ['syncTopicAclsIntervalSeconds', 'syncTopicAclsEnabled'],
  ['refreshTopicsIntervalSeconds', 'refreshTopicsEnabled'],
  ['refreshGroupsIntervalSeconds', 'refreshGroupsEnabled'],
];

/** Typed key name → field. */
export const FLOW_SETTING_BY_KEY: ReadonlyMap<string, keyof FlowSettings> = new Map(
  FLOW_SETTING_FIELDS.map((field) => [FLOW_SETTINGS[field].key, field]),
);
