import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import type { ClientKind, FlowConfig } from './model';
import type { SettingSpec, ValueFinding } from './setting-spec';
import { choiceParser, integerParser, javaTrim, ok, type ValueParser } from './value-parsers';

export type MirrorAcks = 'all' | 1;
export type MirrorCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * The source consumer's keys that the data mirror applies (`A->B.consumer.x`, `A.consumer.x`,
 * `A->B.source.consumer.x`, with MM2's precedence). Empty strings mean "not set".
 */
export interface MirrorConsumerSettings {
  readonly clientId: string;
  readonly clientRack: string;
  readonly fetchMinBytes: number;
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxBytes: number;
  readonly maxPartitionFetchBytes: number;
  /** Records copied per round of one partition; 0: what one fetch returned. */
  readonly maxPollRecords: number;
  readonly requestTimeoutMs: number;
}

/** The target producer's keys that the data mirror applies to the records it copies. */
export interface MirrorProducerSettings {
  readonly acks: MirrorAcks;
  /** Largest produce request of one partition, bytes. */
  readonly batchSize: number;
  readonly compressionType: MirrorCompression;
  readonly maxRequestSize: number;
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  /** Produce requests in flight per partition for copied batches (acks all), at most 5. */
  readonly maxInFlight: number;
}

/** The broker recognises a resent batch only among a producer's last 5 per partition. */
export const MAX_IN_FLIGHT_PER_PARTITION = 5;

type Specs<T> = { readonly [F in keyof T]: SettingSpec<T[F]> };

const INT_MAX = 2147483647;
const positive = (what: string): ValueParser<number> => integerParser({ min: 1, max: INT_MAX, what });
const nonNegative = (what: string): ValueParser<number> => integerParser({ min: 0, max: INT_MAX, what });
const text: ValueParser<string> = (value) => ok(javaTrim(value));

function clientSpec<T>(key: string, parse: ValueParser<T>, mm2Default: T, doc: string, extra: Partial<SettingSpec<T>> = {}): SettingSpec<T> {
  return { key, parse, format: String, mm2Default, defaultValue: mm2Default, topLevel: false, doc, ...extra };
}

// acks=0 gets no offsets back, and offset syncs and positions need the offset of every record.
const parseAcks: ValueParser<MirrorAcks | 0> = (value) => {
  const trimmed = javaTrim(value).toLowerCase();
  if (trimmed === 'all' || trimmed === '-1') return ok('all');
  if (trimmed === '1') return ok(1);
  if (trimmed === '0') return ok(0);
  return { ok: false, code: 'invalid-value', message: `"${value}" is not a valid acks value`, hint: 'use all, -1, 1 or 0' };
};

export const MIRROR_CONSUMER_SETTINGS: Specs<MirrorConsumerSettings> = {
  clientId: clientSpec('client.id', text, '', 'Client id of the source consumer; unset: mirrormaker-data-mirror-<flow>-source.'),
  clientRack: clientSpec('client.rack', text, '', 'Rack of this consumer, for fetching from the closest replica.'),
  fetchMinBytes: clientSpec('fetch.min.bytes', positive('a byte count'), 1, 'Bytes a fetch waits for (up to fetch.max.wait.ms).'),
  fetchMaxWaitMs: clientSpec('fetch.max.wait.ms', nonNegative('a duration in milliseconds'), 500, 'Longest wait of one fetch for fetch.min.bytes.'),
  fetchMaxBytes: clientSpec('fetch.max.bytes', positive('a byte count'), 52428800, 'Largest fetch from one broker: bounds the records held in memory.', {
    defaultValue: 10 * 1024 * 1024,
    reason: 'one data mirror holds the partitions of many flows; 10 MiB per fetch keeps its memory bounded',
  }),
  maxPartitionFetchBytes: clientSpec('max.partition.fetch.bytes', positive('a byte count'), 1048576, 'Largest fetch of one partition.'),
  maxPollRecords: clientSpec('max.poll.records', positive('a record count'), 500, 'Records of one partition copied per round (one produce request and position each).', {
    defaultValue: 0,
    reason: 'unset, a round copies what one fetch returned, bounded by the fetch sizes, which keeps requests few and large',
  }),
  requestTimeoutMs: clientSpec('request.timeout.ms', positive('a duration in milliseconds'), 30000, 'How long the source client waits for a broker answer.'),
};

export const MIRROR_PRODUCER_SETTINGS: Specs<MirrorProducerSettings> = {
  acks: clientSpec<MirrorAcks>('acks', parseAcks as ValueParser<MirrorAcks>, 'all', 'Acknowledgement of copied records: all or 1 (exactly-once always uses all).', {
    check: (value) => (value === (0 as unknown as MirrorAcks) ? [ACKS_ZERO] : []),
  }),
  batchSize: clientSpec('batch.size', positive('a byte count'), 16384, 'Largest produce request of one partition (records of one copy round are split by it).', {
    defaultValue: 512 * 1024,
    reason: 'each copy round sends one partition\'s records at once; 512 KiB per request keeps the copy fast',
  }),
  compressionType: clientSpec('compression.type', choiceParser<MirrorCompression>(['none', 'gzip', 'snappy', 'lz4', 'zstd']), 'none', 'Codec of the records written to the target.'),
  maxRequestSize: clientSpec('max.request.size', positive('a byte count'), 1048576, 'Upper bound of one produce request; also caps batch.size.'),
  clientId: clientSpec('client.id', text, '', 'Client id of the target producer; unset: mirrormaker-data-mirror-<flow>-target.'),
  requestTimeoutMs: clientSpec('request.timeout.ms', positive('a duration in milliseconds'), 30000, 'How long the target client, and the broker for replication, wait for a produce.'),
  maxInFlight: clientSpec(
    'max.in.flight.requests.per.connection',
    positive('a request count'),
    5,
    'Produce requests of one partition in flight at once when batches are copied as they are with acks=all (idempotent, so order holds); more than 5 counts as 5. With acks=1 each batch waits for the previous one\'s answer.',
    { check: (value) => (value > MAX_IN_FLIGHT_PER_PARTITION ? [IN_FLIGHT_CAPPED] : []) },
  ),
};

const IN_FLIGHT_CAPPED: ValueFinding = {
  severity: 'warning',
  code: 'invalid-value',
  message: `max.in.flight.requests.per.connection above ${MAX_IN_FLIGHT_PER_PARTITION} is used as ${MAX_IN_FLIGHT_PER_PARTITION}: the broker drops a resent batch only among a producer's last ${MAX_IN_FLIGHT_PER_PARTITION}`,
  hint: `use 1 to ${MAX_IN_FLIGHT_PER_PARTITION}`,
};

const ACKS_ZERO: ValueFinding = {
  severity: 'warning',
  code: 'invalid-value',
  message: 'acks=0 returns no offsets, which offset syncs and stored positions need; records are written with acks=1',
  hint: 'use acks=1 or acks=all',
};

const NOT_APPLIED: Readonly<Record<ClientKind, string>> = {
  consumer: 'the source consumer runs with its own value for it',
  producer: 'the producers run with their own value for it',
  admin: 'admin clients use only the cluster connection keys',
};

// Keys with their own warning: what we do instead is specific.
const APPROXIMATED: Readonly<Record<string, string>> = {
  'producer.linger.ms': 'records are sent as soon as a copy round has them, so linger.ms has no effect',
  'consumer.enable.auto.commit': 'nothing is committed to the source: positions are stored on the target, as MM2 does',
  'consumer.group.id': 'the source consumer uses a group of its own per instance and flow',
};

const SPECS_BY_KIND: Readonly<Record<ClientKind, ReadonlyMap<string, SettingSpec<unknown>>>> = {
  consumer: new Map(Object.values(MIRROR_CONSUMER_SETTINGS).map((spec: SettingSpec<unknown>) => [spec.key, spec])),
  producer: new Map(Object.values(MIRROR_PRODUCER_SETTINGS).map((spec: SettingSpec<unknown>) => [spec.key, spec])),
  admin: new Map(),
};

// Applied where they are read (FlowConfig.consumerAutoOffsetReset, the data mirror's isolation).
const APPLIED_ELSEWHERE = new Set(['consumer.auto.offset.reset', 'consumer.isolation.level']);

/** The client keys the data mirror applies, by kind, for docs and hints. */
export function appliedClientKeys(kind: ClientKind): string[] {
  return [...SPECS_BY_KIND[kind].keys(), ...[...APPLIED_ELSEWHERE].filter((k) => k.startsWith(`${kind}.`)).map((k) => k.slice(kind.length + 1))];
}

/**
 * Findings about one client override `<kind>.<name>=value` wherever it was written: a value that
 * does not parse is an error, a key we apply differently or not at all is a warning saying what
 * happens instead. Connection keys (servers, security) come from the cluster and are fine.
 */
export function checkClientOverride(kind: ClientKind, name: string, value: string): ValueFinding[] {
  if (CLIENT_CONNECTION_KEYS.has(name) || APPLIED_ELSEWHERE.has(`${kind}.${name}`)) return [];
  const spec = SPECS_BY_KIND[kind].get(name);
  if (spec !== undefined) {
    const parsed = spec.parse(value);
    if (!parsed.ok) return [{ severity: 'error', code: parsed.code, message: parsed.message, hint: parsed.hint }];
    return spec.check?.(parsed.value) ?? [];
  }
  // Copy rounds are sent at once, which is what linger.ms=0 asks for.
  if (kind === 'producer' && name === 'linger.ms' && javaTrim(value) === '0') return [];
  const approximated = APPROXIMATED[`${kind}.${name}`];
  return [
    {
      severity: 'warning',
      code: 'ignored-key',
      message: `${kind} ${name} is not applied: ${approximated ?? NOT_APPLIED[kind]}`,
      hint:
        kind === 'admin'
          ? 'remove it'
          : `remove it; the ${kind} keys applied are ${appliedClientKeys(kind).join(', ')} and the connection keys`,
    },
  ];
}

function settingsOf<T>(specs: Specs<T>, props: Readonly<Record<string, string>>): T {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(specs) as Array<[string, SettingSpec<unknown>]>) {
    const text = props[spec.key];
    const parsed = text === undefined ? undefined : spec.parse(text);
    out[field] = parsed?.ok === true ? parsed.value : spec.defaultValue;
  }
  return out as T;
}

/** The source consumer settings of a flow's record copy, defaults filled in. */
export function mirrorConsumerSettings(flow: FlowConfig): MirrorConsumerSettings {
  return settingsOf(MIRROR_CONSUMER_SETTINGS, flow.clients.source.consumer);
}

/**
 * The target producer settings of a flow's record copy, defaults filled in: acks=0 becomes 1 and
 * exactly-once always uses all; batch.size is capped by max.request.size; requests in flight by 5.
 */
export function mirrorProducerSettings(flow: FlowConfig): MirrorProducerSettings {
  const settings = settingsOf(MIRROR_PRODUCER_SETTINGS, flow.clients.target.producer);
  const acks: MirrorAcks = flow.exactlyOnceEnabled ? 'all' : (settings.acks as MirrorAcks | 0) === 0 ? 1 : settings.acks;
  return { ...settings, acks, batchSize: Math.min(settings.batchSize, settings.maxRequestSize), maxInFlight: Math.min(settings.maxInFlight, MAX_IN_FLIGHT_PER_PARTITION) };
}
