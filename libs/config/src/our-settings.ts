import type { SettingSpec, ValueFinding } from './setting-spec';
import { fail, integerParser, javaTrim, ok, type ValueParser } from './value-parsers';

/** Settings of our own (MM2 has no equivalent), top-level keys only. */
export interface OurSettings {
  readonly leaseTtlMs: number;
  readonly leaseRenewIntervalMs: number;
  readonly leaseGraceMs: number;
  readonly coordinatorConfigTopic: string;
  /** The cluster holding `coordinatorConfigTopic`. */
  readonly coordinatorHomeCluster: string;
}

export type OurSettingSpecs = { readonly [F in keyof OurSettings]: SettingSpec<OurSettings[F]> };

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

const parseTopicName: ValueParser<string> = (text) => {
  const trimmed = javaTrim(text);
  return LEGAL_TOPIC.test(trimmed) && trimmed !== '.' && trimmed !== '..'
    ? ok(trimmed)
    : fail(`"${trimmed}" is not a legal topic name`, 'use 1-249 characters from a-z A-Z 0-9 . _ -');
};

function checkInternalName(topic: string): ValueFinding[] {
  return topic.endsWith('.internal') || topic.endsWith('-internal')
    ? []
    : [
        {
          severity: 'warning',
          code: 'conflict',
          message: `"${topic}" does not end in .internal, so flows would mirror it like any other topic`,
          hint: 'pick a name ending in .internal',
        },
      ];
}

const positiveMillis = (what: string): ValueParser<number> =>
  integerParser({ min: 1, max: Number.MAX_SAFE_INTEGER, what, code: 'invalid-interval' });

/** Our top-level keys. Cross-key rules (renew < TTL, home cluster declared) live in the loader. */
export const OUR_SETTINGS: OurSettingSpecs = {
  leaseTtlMs: {
    key: 'lease.ttl.ms',
    parse: positiveMillis('a lease TTL in milliseconds'),
    format: String,
    defaultValue: 10000,
    ours: true,
    topLevel: true,
    doc: 'How long a work lease (partition, heartbeat, groups, topics, acls unit) lasts without renewal.',
  },
  leaseRenewIntervalMs: {
    key: 'lease.renew.interval.ms',
    parse: positiveMillis('a renew interval in milliseconds'),
    format: String,
    defaultValue: 3000,
    ours: true,
    topLevel: true,
    doc: 'How often a service renews its leases; must be well below lease.ttl.ms.',
  },
  leaseGraceMs: {
    key: 'lease.grace.ms',
    parse: integerParser({ min: 0, max: Number.MAX_SAFE_INTEGER, what: 'a grace period in milliseconds', code: 'invalid-interval' }),
    format: String,
    defaultValue: 2000,
    ours: true,
    topLevel: true,
    doc: 'Extra wait after a lease expires before the coordinator grants it again (covers clock drift and a slow holder stopping).',
  },
  coordinatorConfigTopic: {
    key: 'coordinator.config.topic',
    parse: parseTopicName,
    format: (value) => value,
    check: checkInternalName,
    defaultValue: 'mirrormaker-config.internal',
    ours: true,
    topLevel: true,
    doc: 'Compacted topic holding the revisions of this configuration.',
  },
  coordinatorHomeCluster: {
    key: 'coordinator.home.cluster',
    parse: (text) => ok(javaTrim(text)),
    format: (value) => value,
    defaultValue: '',
    ours: true,
    topLevel: true,
    doc: 'Cluster holding coordinator.config.topic. Unset: the target of the first enabled flow (in clusters order), else the first cluster.',
  },
};

export const OUR_SETTING_FIELDS = Object.keys(OUR_SETTINGS) as Array<keyof OurSettings>;
