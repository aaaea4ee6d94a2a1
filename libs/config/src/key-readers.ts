import { CONFIG_PROVIDERS_KEY } from './config-providers';
import { FLOW_SETTING_BY_KEY, FLOW_SETTINGS } from './flow-settings';
import {
  CLIENT_CONNECTION_KEYS,
  CONNECT_CONNECTOR_KEYS,
  CONNECT_SOURCE_FLOW_KEYS,
  FLOW_KEY_PREFIXES,
  MM2_DRIVER_KEYS,
  REST_KEYS,
  REST_PREFIXES,
  WORKER_PREFIXES,
  hasAnyPrefix,
  notAppliedNote,
} from './key-catalog';
import { flowName } from './key-scope';
import { checkClientOverride } from './mirror-client-settings';
import type { ClientKind } from './model';
import { OUR_SETTING_FIELDS, OUR_SETTINGS } from './our-settings';
import type { SettingSpec } from './setting-spec';
import type { Located, Report, SourceEntry } from './source-entry';
import { javaTrim, parseBoolean } from './value-parsers';
import { WORKER_SETTING_BY_KEY, WORKER_SETTINGS } from './worker-settings';

interface TopLevelSinks {
  readonly topLevel: Record<string, string>;
  readonly unknownKeys: Record<string, string>;
  readonly topSettings: Record<string, Located<unknown>>;
  readonly ourValues: Record<string, Located<unknown>>;
}

const OUR_FIELD_BY_KEY = new Map(OUR_SETTING_FIELDS.map((field) => [OUR_SETTINGS[field].key, field]));

export function readTopLevelKey(
  entry: SourceEntry,
  name: string,
  aliases: readonly string[],
  byKey: ReadonlyMap<string, SourceEntry>,
  sinks: TopLevelSinks,
  report: Report,
): void {
  const at = { line: entry.line, key: entry.key };
  const ourField = OUR_FIELD_BY_KEY.get(name);
  if (ourField !== undefined) {
    const parsed = parseSetting(OUR_SETTINGS[ourField] as SettingSpec<unknown>, entry, report);
    if (parsed !== undefined) sinks.ourValues[ourField] = parsed;
    return;
  }
  const field = FLOW_SETTING_BY_KEY.get(name);
  if (field !== undefined) {
    const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
    if (!spec.topLevel) {
      sinks.topLevel[name] = entry.value;
      report({
        severity: 'warning',
        code: 'ignored-key',
        ...at,
        message: `MM2 ignores ${name} at top level, so it applies to no flow`,
        hint: `set it per flow, e.g. ${exampleFlow(aliases)}.${name}=${javaTrim(entry.value)}`,
      });
      return;
    }
    sinks.topLevel[name] = entry.value;
    const parsed = parseSetting(spec, entry, report);
    if (parsed !== undefined) sinks.topSettings[field] = parsed;
    if (field === 'enabled' && parsed?.value === true) {
      report({
        severity: 'warning',
        code: 'conflict',
        ...at,
        message: 'a top-level enabled=true turns on replication for every ordered pair of clusters',
        hint: `remove it and enable flows one by one, e.g. ${exampleFlow(aliases)}.enabled=true`,
      });
    }
    return;
  }
  if (name === 'source.cluster.alias' || name === 'target.cluster.alias') {
    sinks.topLevel[name] = entry.value;
    report({
      severity: 'error',
      code: 'conflict',
      ...at,
      message: `a top-level ${name} would give every flow the same cluster alias`,
      hint: 'delete the line; aliases come from the flow names (A->B)',
    });
    return;
  }
  const workerField = WORKER_SETTING_BY_KEY.get(name);
  if (workerField !== undefined && WORKER_SETTINGS[workerField].topLevel) {
    // MM2 hands top-level keys of a few prefixes (offset.storage.*) to every flow's worker.
    sinks.topLevel[name] = entry.value;
    parseSetting(WORKER_SETTINGS[workerField] as SettingSpec<unknown>, entry, report);
    return;
  }
  if (name === 'dedicated.mode.enable.internal.rest') {
    sinks.topLevel[name] = entry.value;
    parseSetting({ key: name, parse: parseBoolean, format: String, defaultValue: false, topLevel: true, doc: '' }, entry, report);
    return;
  }
  if (CONNECT_SOURCE_FLOW_KEYS.has(name)) {
    sinks.topLevel[name] = entry.value;
    report({
      severity: 'warning',
      code: 'ignored-key',
      ...at,
      message: `MM2 ignores ${name} at top level`,
      hint: `set it per flow, e.g. ${exampleFlow(aliases)}.${name}`,
    });
    return;
  }
  const notApplied = notAppliedNote(name);
  if (notApplied !== undefined) {
    report({ severity: 'warning', code: 'ignored-key', ...at, ...notApplied });
    if (CONNECT_CONNECTOR_KEYS.has(name)) sinks.topLevel[name] = entry.value;
    else sinks.unknownKeys[name] = entry.value;
    return;
  }
  if (
    MM2_DRIVER_KEYS.has(name) ||
    CLIENT_CONNECTION_KEYS.has(name) ||
    CONNECT_CONNECTOR_KEYS.has(name) ||
    REST_KEYS.has(name) ||
    name.startsWith(CONFIG_PROVIDERS_KEY) ||
    hasAnyPrefix(name, WORKER_PREFIXES) ||
    hasAnyPrefix(name, REST_PREFIXES)
  ) {
    sinks.topLevel[name] = entry.value;
    return;
  }
  sinks.unknownKeys[name] = entry.value;
  const dot = name.indexOf('.');
  const maybeAlias = dot > 0 ? name.slice(0, dot) : undefined;
  const looksLikeCluster = maybeAlias !== undefined && byKey.has(`${maybeAlias}.bootstrap.servers`);
  const isClientKey = /^(consumer|producer|admin)\./.test(name);
  report({
    severity: 'warning',
    code: 'unknown-key',
    ...at,
    message: looksLikeCluster
      ? `${name} belongs to cluster ${maybeAlias}, which is not listed in clusters`
      : isClientKey
        ? `MM2 ignores client keys such as ${name} at top level; it is kept but nothing reads it`
        : `${name} is not a MirrorMaker setting; it is kept but nothing reads it`,
    hint: looksLikeCluster
      ? `add ${maybeAlias} to clusters`
      : isClientKey
        ? `write it per cluster (${exampleAlias(aliases)}.${name}) or per flow (${exampleFlow(aliases)}.${name})`
        : 'check the spelling, or prefix it with a cluster alias or a flow (A->B.)',
  });
}

export function checkClusterKey(entry: SourceEntry, alias: string, name: string, report: Report): void {
  const at = { line: entry.line, key: entry.key };
  const override = clientOverrideOf(name);
  if (override !== undefined) {
    for (const finding of checkClientOverride(override.kind, override.name, entry.value)) report({ ...finding, ...at });
    return;
  }
  const workerField = WORKER_SETTING_BY_KEY.get(name);
  if (workerField !== undefined) {
    parseSetting(WORKER_SETTINGS[workerField] as SettingSpec<unknown>, entry, report);
    return;
  }
  const field = FLOW_SETTING_BY_KEY.get(name);
  const ourField = OUR_FIELD_BY_KEY.get(name);
  if (field === undefined && ourField === undefined) return;
  report({
    severity: 'warning',
    code: 'ignored-key',
    line: entry.line,
    key: entry.key,
    message: `${entry.key} is a cluster property; ${ourField === undefined ? 'flows do not read' : 'this global setting is not read from'} ${name} there`,
    hint:
      ourField === undefined
        ? `set it on the flows that should use it (e.g. ${alias}->X.${name}) or at top level`
        : `set ${name} at top level`,
  });
}

export function readFlowKey(
  entry: SourceEntry,
  source: string,
  target: string,
  name: string,
  settings: Record<string, Located<unknown>>,
  report: Report,
): void {
  const at = { line: entry.line, key: entry.key };
  const field = FLOW_SETTING_BY_KEY.get(name);
  if (field !== undefined) {
    const parsed = parseSetting(FLOW_SETTINGS[field] as SettingSpec<unknown>, entry, report);
    if (parsed !== undefined) settings[field] = parsed;
    return;
  }
  if (name === 'source.cluster.alias' || name === 'target.cluster.alias') {
    const expected = name === 'source.cluster.alias' ? source : target;
    if (javaTrim(entry.value) !== expected) {
      report({
        severity: 'error',
        code: 'conflict',
        ...at,
        message: `${entry.key}=${javaTrim(entry.value)} contradicts the flow name ${flowName(source, target)}`,
        hint: 'delete the line; the alias comes from the flow name',
      });
    }
    return;
  }
  if (OUR_FIELD_BY_KEY.has(name) || name === 'clusters' || MM2_DRIVER_KEYS.has(name)) {
    report({
      severity: 'warning',
      code: 'ignored-key',
      ...at,
      message: `${name} is a global setting and is not read per flow`,
      hint: `set ${name} at top level`,
    });
    return;
  }
  const override = clientOverrideOf(name);
  if (override !== undefined) {
    for (const finding of checkClientOverride(override.kind, override.name, entry.value)) report({ ...finding, ...at });
    return;
  }
  const notApplied = notAppliedNote(name);
  if (notApplied !== undefined) {
    report({ severity: 'warning', code: 'ignored-key', ...at, ...notApplied });
    return;
  }
  const known =
    CONNECT_CONNECTOR_KEYS.has(name) ||
    CONNECT_SOURCE_FLOW_KEYS.has(name) ||
    CLIENT_CONNECTION_KEYS.has(name) ||
    name.startsWith(CONFIG_PROVIDERS_KEY) ||
    hasAnyPrefix(name, FLOW_KEY_PREFIXES);
  if (!known) {
    report({
      severity: 'warning',
      code: 'unknown-key',
      ...at,
      message: `${name} is not a MirrorMaker flow setting; it is kept but nothing reads it`,
      hint: 'check the spelling against the MM2 connector keys',
    });
  }
}

// `producer.x`, `source.consumer.x`, `target.producer.x`, `producer.override.x` (the target producer).
const CLIENT_OVERRIDE = /^(?:(?:source|target)\.)?(consumer|producer|admin)\.(?:(?<=producer\.)override\.)?(.+)$/;

function clientOverrideOf(name: string): { kind: ClientKind; name: string } | undefined {
  const match = CLIENT_OVERRIDE.exec(name);
  return match === null ? undefined : { kind: match[1] as ClientKind, name: match[2]! };
}

function parseSetting(spec: SettingSpec<unknown>, entry: SourceEntry, report: Report): Located<unknown> | undefined {
  const parsed = spec.parse(entry.value);
  if (!parsed.ok) {
    report({ severity: 'error', code: parsed.code, line: entry.line, key: entry.key, message: parsed.message, hint: parsed.hint });
    return undefined;
  }
  for (const finding of spec.check?.(parsed.value) ?? []) {
    report({ ...finding, line: entry.line, key: entry.key });
  }
  return { value: parsed.value, line: entry.line };
}

function exampleAlias(aliases: readonly string[]): string {
  return aliases[0] ?? 'A';
}

function exampleFlow(aliases: readonly string[]): string {
  return aliases.length >= 2 ? flowName(aliases[0]!, aliases[1]!) : 'A->B';
}
