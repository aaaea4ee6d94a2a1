import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import { CLIENT_KINDS, type ClientConfigs, type ClientKind, type FlowSide } from './model';

type Props = Record<string, string>;

const CLIENT_PREFIX = /^(consumer|producer|admin)\./;

// Connector keys that merely start like a client prefix; MM2 would pass them on as client
// properties (`poll.timeout.ms`, `timeout.ms`), which clients then reject as unknown.
const CONNECTOR_KEYS_WITH_CLIENT_PREFIX = new Set(['consumer.poll.timeout.ms', 'admin.timeout.ms']);

/**
 * MM2's view of one cluster for connectors and workers: its `<alias>.x` keys, with its connection
 * keys copied under `consumer.`/`producer.`/`admin.` unless already there, then top-level
 * connection keys as defaults for both the bare and the prefixed names.
 */
export function clusterProps(explicit: Readonly<Props>, topLevel: Readonly<Props>): Props {
  const props: Props = { ...explicit };
  for (const key of CLIENT_CONNECTION_KEYS) {
    const value = explicit[key];
    if (value !== undefined) putClientDefaults(props, key, value);
  }
  for (const key of CLIENT_CONNECTION_KEYS) {
    const value = topLevel[key];
    if (value !== undefined) {
      putClientDefaults(props, key, value);
      props[key] ??= value;
    }
  }
  return props;
}

function putClientDefaults(props: Props, key: string, value: string): void {
  for (const kind of CLIENT_KINDS) props[`${kind}.${key}`] ??= value;
}

/** Splits cluster props into `<side>.cluster.x` and `<side>.<client>.x` connector keys. */
export function sideKeys(side: FlowSide, props: Readonly<Props>): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) {
    out[CLIENT_PREFIX.test(key) ? `${side}.${key}` : `${side}.cluster.${key}`] = value;
  }
  return out;
}

type Entries = ReadonlyArray<readonly [string, string]>;

function withPrefix(entries: Entries, prefix: string): Props {
  const out: Props = {};
  for (const [key, value] of entries) {
    if (key.startsWith(prefix) && !CONNECTOR_KEYS_WITH_CLIENT_PREFIX.has(key)) out[key.slice(prefix.length)] = value;
  }
  return out;
}

function connectionOnly(props: Readonly<Props>): Props {
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) if (CLIENT_CONNECTION_KEYS.has(key)) out[key] = value;
  return out;
}

/**
 * Client properties for one side and kind, with MM2's precedence (later wins):
 * `<side>.cluster.*` connection keys < `<kind>.*` (flow-level `A->B.<kind>.*`) < `<side>.<kind>.*`
 * (from `<alias>.<kind>.*`, or `A->B.<side>.<kind>.*`). Consumers never auto-commit and start from
 * `earliest` unless told otherwise. The target producer, which writes the replicated records as the
 * Connect worker's producer does, also takes `A->B.producer.override.*` last. Keys under
 * `override.` never reach a client.
 */
export function clientProps(raw: Readonly<Props> | Entries, side: FlowSide, kind: ClientKind): Props {
  const entries = Array.isArray(raw) ? (raw as Entries) : Object.entries(raw);
  const props: Props = {
    ...connectionOnly(withPrefix(entries, `${side}.cluster.`)),
    ...withPrefix(entries, `${kind}.`),
    ...withPrefix(entries, `${side}.${kind}.`),
  };
  for (const key of Object.keys(props)) if (key.startsWith('override.')) delete props[key];
  if (kind === 'consumer') {
    props['enable.auto.commit'] = 'false';
    props['auto.offset.reset'] ??= 'earliest';
  }
  if (side === 'target' && kind === 'producer') Object.assign(props, withPrefix(entries, 'producer.override.'));
  return sortKeys(props);
}

export function clientConfigs(raw: Readonly<Props>, side: FlowSide): ClientConfigs {
  const entries = Object.entries(raw);
  return {
    consumer: clientProps(entries, side, 'consumer'),
    producer: clientProps(entries, side, 'producer'),
    admin: clientProps(entries, side, 'admin'),
  };
}

export function sortKeys(props: Readonly<Props>): Props {
  const out: Props = {};
  for (const key of Object.keys(props).sort()) out[key] = props[key]!;
  return out;
}
