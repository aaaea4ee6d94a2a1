import { MirrorConfigError } from './errors';
import { FLOW_SETTING_FIELDS, FLOW_SETTINGS, type FlowSettings } from './flow-settings';
import { classifyKey, flowName } from './key-scope';
import { buildMirrorConfig, type LoadResult, type SourceEntry } from './mirror-config-loader';
import { CLIENT_KINDS, type MirrorConfig } from './model';
import { modelToEntries } from './model-entries';
import { OUR_SETTING_FIELDS, OUR_SETTINGS } from './our-settings';
import { hasErrors, type Problem } from './problems';
import { REDACTED } from './redaction-marker';
import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import { parseSecurity, securityToProperties, type SaslSettings, type SecurityConfig, type SslSettings } from './security';
import { formatList, parseList } from './value-parsers';
import type { SettingSpec } from './setting-spec';

export const JSON_FORMAT_VERSION = 1;

/** The control API's form: the model itself, plain JSON, with a format version. */
export type MirrorConfigJson = MirrorConfig & { readonly formatVersion: number };

/** A JSON-safe deep copy of the model (derived fields included, for reading). */
export function toJson(config: MirrorConfig): MirrorConfigJson {
  return JSON.parse(JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, ...config })) as MirrorConfigJson;
}

export interface FromJsonOptions {
  /** Fills in values that arrive as `[redacted]` (e.g. a client echoing `redactedJson`). */
  readonly previous?: MirrorConfig;
}

/**
 * Reads the control API's JSON back into a validated model. Fields may be left out (they then
 * inherit, as in mm2.properties); derived fields (`name`, `raw`, `clients`,
 * `consumerAutoOffsetReset`) are ignored. Problems name the property key or the JSON path.
 */
export function fromJson(json: unknown, options: FromJsonOptions = {}): LoadResult {
  const problems: Problem[] = [];
  const { entries, provided } = jsonToEntries(json, problems);
  const restored = restoreRedacted(entries, options.previous, problems);
  for (const [key, template] of Object.entries(provided)) {
    if (template !== REDACTED) continue;
    const earlier = options.previous?.provided[key];
    if (earlier === undefined) delete provided[key];
    else provided[key] = earlier;
  }
  return buildMirrorConfig(restored, { resolveProviders: false, provided }, problems);
}

export function fromJsonOrThrow(json: unknown, options: FromJsonOptions = {}): MirrorConfig {
  const { config, problems } = fromJson(json, options);
  if (hasErrors(problems)) {
    const code = problems.some((p) => p.severity === 'error' && p.code === 'invalid-json') ? 'CONFIG_JSON_INVALID' : 'CONFIG_INVALID';
    throw new MirrorConfigError(code, problems);
  }
  return config;
}

type Json = unknown;

class JsonReader {
  readonly entries: SourceEntry[] = [];

  constructor(private readonly problems: Problem[]) {}

  bad(path: string, message: string, hint: string): void {
    this.problems.push({ severity: 'error', code: 'invalid-json', key: path, message, hint });
  }

  object(value: Json, path: string): Record<string, Json> | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, Json>;
    this.bad(path, 'expected an object', 'send a JSON object here');
    return undefined;
  }

  text(value: Json, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.bad(path, 'expected a string', 'send a string here');
    return undefined;
  }

  list(value: Json, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item === 'string')) return value.join(',');
      this.bad(path, 'expected an array of strings', 'send ["a", "b"]');
      return undefined;
    }
    return this.text(value, path);
  }

  put(key: string, value: string | undefined): void {
    if (value !== undefined) this.entries.push({ key, value });
  }

  map(value: Json, path: string, prefix: string): void {
    const object = this.object(value, path);
    for (const [key, item] of Object.entries(object ?? {})) this.put(`${prefix}${key}`, this.text(item, `${path}.${key}`));
  }

  setting(spec: SettingSpec<unknown>, value: Json, path: string, key: string): void {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') return this.put(key, value);
    if (Array.isArray(spec.defaultValue)) return this.put(key, this.list(value, path));
    if (typeof value === typeof spec.defaultValue) return this.put(key, spec.format(value));
    this.bad(path, `expected a ${typeof spec.defaultValue}`, `see ${spec.key}: ${spec.doc}`);
  }
}

function jsonToEntries(json: Json, problems: Problem[]): { entries: SourceEntry[]; provided: Record<string, string> } {
  const reader = new JsonReader(problems);
  const root = reader.object(json, '$');
  if (root === undefined) {
    if (json === undefined) reader.bad('$', 'no configuration was sent', 'send the JSON form of the configuration');
    return { entries: [], provided: {} };
  }
  if (root['formatVersion'] !== undefined && root['formatVersion'] !== JSON_FORMAT_VERSION) {
    const version = String(root['formatVersion']);
    reader.bad('formatVersion', `format version ${version} is not understood`, `send formatVersion ${JSON_FORMAT_VERSION}`);
  }
  reader.map(root['unknownKeys'], 'unknownKeys', '');
  const clusters = reader.object(root['clusters'], 'clusters') ?? {};
  const aliases = Object.keys(clusters);
  if (root['clusters'] !== undefined) reader.put('clusters', aliases.join(', '));
  reader.map(root['topLevel'], 'topLevel', '');

  const ours = reader.object(root['ours'], 'ours') ?? {};
  for (const field of OUR_SETTING_FIELDS) {
    const spec = OUR_SETTINGS[field] as SettingSpec<unknown>;
    reader.setting(spec, ours[field], `ours.${field}`, spec.key);
  }

  const inherited: Record<string, string> = {};
  const topLevel = (reader.object(root['topLevel'], 'topLevel') ?? {}) as Record<string, Json>;
  for (const key of CLIENT_CONNECTION_KEYS) if (typeof topLevel[key] === 'string') inherited[key] = topLevel[key] as string;
  for (const alias of aliases) readCluster(reader, alias, clusters[alias], `clusters.${alias}`, inherited);

  const flows = root['flows'];
  if (flows !== undefined && !Array.isArray(flows)) reader.bad('flows', 'expected an array', 'send a list of flows');
  (Array.isArray(flows) ? flows : []).forEach((item, index) => readFlow(reader, aliases, item, `flows[${index}]`));

  const provided: Record<string, string> = {};
  const providedJson = reader.object(root['provided'], 'provided') ?? {};
  for (const [key, value] of Object.entries(providedJson)) {
    const text = reader.text(value, `provided.${key}`);
    if (text !== undefined) provided[key] = text;
  }
  return { entries: reader.entries, provided };
}

const SSL_FIELDS: ReadonlyArray<keyof SslSettings> = [
  'protocol',
  'enabledProtocols',
  'endpointIdentificationAlgorithm',
  'truststoreType',
  'truststoreLocation',
  'truststorePassword',
  'truststoreCertificates',
  'keystoreType',
  'keystoreLocation',
  'keystorePassword',
  'keystoreKey',
  'keystoreCertificateChain',
  'keyPassword',
];

/** Writes a cluster's connection keys only where they differ from the top-level ones they inherit. */
function readCluster(reader: JsonReader, alias: string, value: Json, path: string, inherited: Record<string, string>): void {
  const cluster = reader.object(value, path);
  if (cluster === undefined) return;
  if (cluster['alias'] !== undefined && cluster['alias'] !== alias) {
    reader.bad(`${path}.alias`, `alias ${String(cluster['alias'])} differs from its key ${alias}`, 'use the same alias in both places');
  }
  const baseline = securityToProperties(parseSecurity(inherited));
  const servers = reader.list(cluster['bootstrapServers'], `${path}.bootstrapServers`);
  if (servers !== undefined && formatList(parseList(servers)) !== formatList(parseList(inherited['bootstrap.servers'] ?? ''))) {
    reader.put(`${alias}.bootstrap.servers`, servers);
  }
  const security = reader.object(cluster['security'], `${path}.security`);
  if (security !== undefined) {
    const protocol = reader.text(security['protocol'], `${path}.security.protocol`);
    const sasl = reader.object(security['sasl'], `${path}.security.sasl`);
    const ssl = reader.object(security['ssl'], `${path}.security.ssl`);
    const saslSettings: Record<string, string> = {};
    for (const field of ['mechanism', 'username', 'password', 'jaasConfig', 'tokenEndpointUrl'] as const) {
      const text = reader.text(sasl?.[field], `${path}.security.sasl.${field}`);
      if (text !== undefined) saslSettings[field] = text;
    }
    const sslSettings: Record<string, unknown> = {};
    for (const field of SSL_FIELDS) {
      const raw = ssl?.[field];
      if (raw === undefined) continue;
      if (field === 'enabledProtocols') {
        const list = reader.list(raw, `${path}.security.ssl.${field}`);
        if (list !== undefined) sslSettings[field] = list.split(',');
      } else {
        const text = reader.text(raw, `${path}.security.ssl.${field}`);
        if (text !== undefined) sslSettings[field] = text;
      }
    }
    const props = securityToProperties({
      protocol: (protocol ?? 'PLAINTEXT') as SecurityConfig['protocol'],
      ...(sasl === undefined ? {} : { sasl: { mechanism: saslSettings['mechanism'] ?? 'GSSAPI', ...saslSettings } as SaslSettings }),
      ...(ssl === undefined ? {} : { ssl: sslSettings as SslSettings }),
    });
    if (protocol === undefined) delete props['security.protocol'];
    if (sasl !== undefined && saslSettings['mechanism'] === undefined) delete props['sasl.mechanism'];
    for (const [key, text] of Object.entries(props)) if (baseline[key] !== text) reader.put(`${alias}.${key}`, text);
  }
  reader.map(cluster['properties'], `${path}.properties`, `${alias}.`);
  for (const kind of CLIENT_KINDS) reader.map(cluster[kind], `${path}.${kind}`, `${alias}.${kind}.`);
}

const POLICY_FIELDS: Readonly<Record<string, keyof FlowSettings>> = {
  class: 'replicationPolicyClass',
  separator: 'replicationPolicySeparator',
  internalTopicSeparatorEnabled: 'replicationPolicyInternalTopicSeparatorEnabled',
};

function readFlow(reader: JsonReader, aliases: readonly string[], value: Json, path: string): void {
  const flow = reader.object(value, path);
  if (flow === undefined) return;
  let source = reader.text(flow['source'], `${path}.source`);
  let target = reader.text(flow['target'], `${path}.target`);
  if ((source === undefined || target === undefined) && typeof flow['name'] === 'string') {
    const scope = classifyKey(`${flow['name']}.x`, aliases);
    if (scope.kind === 'flow' || scope.kind === 'bad-flow') ({ source, target } = scope);
  }
  if (source === undefined || target === undefined) {
    reader.bad(path, 'a flow needs source and target', 'add "source": "A", "target": "B"');
    return;
  }
  const prefix = `${flowName(source, target)}.`;
  reader.map(flow['extra'], `${path}.extra`, prefix);
  const policy = reader.object(flow['replicationPolicy'], `${path}.replicationPolicy`) ?? {};
  const values: Record<string, Json> = { ...flow };
  for (const [name, field] of Object.entries(POLICY_FIELDS)) values[field] = policy[name];
  for (const field of FLOW_SETTING_FIELDS) {
    const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
    reader.setting(spec, values[field], `${path}.${field}`, `${prefix}${spec.key}`);
  }
}

function restoreRedacted(entries: SourceEntry[], previous: MirrorConfig | undefined, problems: Problem[]): SourceEntry[] {
  if (!entries.some((e) => e.value === REDACTED)) return entries;
  const earlier = new Map<string, string>();
  for (const entry of previous === undefined ? [] : modelToEntries(previous, { references: false })) earlier.set(entry.key, entry.value);
  const aliases = previous === undefined ? [] : Object.keys(previous.clusters);
  return entries.map((entry) => {
    if (entry.value !== REDACTED) return entry;
    const scope = classifyKey(entry.key, aliases);
    const value = earlier.get(entry.key) ?? (scope.kind === 'cluster' ? earlier.get(scope.name) : undefined);
    if (value !== undefined) return { ...entry, value };
    problems.push({
      severity: 'error',
      code: 'invalid-json',
      key: entry.key,
      message: `${entry.key} is ${REDACTED} and there is no earlier value to keep`,
      hint: 'send the actual value',
    });
    return entry;
  });
}
