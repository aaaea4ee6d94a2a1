import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import type { ClusterConfig } from './model';
import { SECURITY_MODEL_KEYS, SECURITY_PROTOCOLS, checkSecurity, parseSecurity } from './security';
import { sortKeys } from './connector-config';
import type { Report, SourceEntry } from './source-entry';
import { formatList, javaTrim, parseList } from './value-parsers';

const CLIENT_SECTION = /^(consumer|producer|admin)\.(.*)$/;

// The values behind typed cluster fields (servers, security) are stored in the spelling the model
// writes back, so that derived client maps are identical after a round trip through JSON.
export function normalizeModelledValue(name: string, value: string): string {
  if (name === 'bootstrap.servers') return formatList(parseList(value).filter((server) => server !== ''));
  if (name === 'ssl.enabled.protocols') return formatList(parseList(value));
  if (name === 'security.protocol') {
    const upper = javaTrim(value).toUpperCase();
    return (SECURITY_PROTOCOLS as readonly string[]).includes(upper) ? upper : value;
  }
  return SECURITY_MODEL_KEYS.includes(name) ? javaTrim(value) : value;
}

export function buildCluster(
  alias: string,
  explicit: Readonly<Record<string, string>>,
  topLevel: Readonly<Record<string, string>>,
  byKey: ReadonlyMap<string, SourceEntry>,
  report: Report,
): ClusterConfig {
  const connection: Record<string, string> = {};
  for (const key of CLIENT_CONNECTION_KEYS) {
    const value = explicit[key] ?? topLevel[key];
    if (value !== undefined) connection[key] = value;
  }
  const lineOf = (key: string): number | undefined =>
    byKey.get(`${alias}.${key}`)?.line ?? byKey.get(key)?.line ?? byKey.get('clusters')?.line;
  const bootstrapServers = parseList(connection['bootstrap.servers'] ?? '').filter((server) => server !== '');
  if (bootstrapServers.length === 0) {
    report({
      severity: 'error',
      code: 'missing-bootstrap-servers',
      line: lineOf('bootstrap.servers'),
      key: `${alias}.bootstrap.servers`,
      message: `cluster ${alias} has no bootstrap servers`,
      hint: `add ${alias}.bootstrap.servers=host1:9092,host2:9092`,
    });
  }
  for (const finding of checkSecurity(connection, `${alias}.`)) {
    const name = finding.key.slice(alias.length + 1);
    // A missing key is blamed on the line that made it necessary.
    const line = byKey.has(`${alias}.${name}`) || byKey.has(name) ? lineOf(name) : lineOf('security.protocol');
    report({ ...finding, code: name === 'security.protocol' ? 'invalid-value' : 'security', line });
  }
  // `<alias>.<kind>.security.protocol` and friends: each client kind connects with its own keys.
  for (const kind of ['consumer', 'producer', 'admin'] as const) {
    const overrides = Object.keys(explicit).filter((key) => key.startsWith(`${kind}.`) && CLIENT_CONNECTION_KEYS.has(key.slice(kind.length + 1)));
    if (overrides.length === 0) continue;
    const merged: Record<string, string> = { ...connection };
    for (const key of overrides) merged[key.slice(kind.length + 1)] = explicit[key]!;
    for (const finding of checkSecurity(merged, `${alias}.${kind}.`)) {
      const name = finding.key.slice(alias.length + 1);
      report({ ...finding, code: name.endsWith('security.protocol') ? 'invalid-value' : 'security', line: byKey.get(finding.key)?.line ?? lineOf(`${kind}.security.protocol`) });
    }
  }
  const properties: Record<string, string> = {};
  const clients = { consumer: {} as Record<string, string>, producer: {} as Record<string, string>, admin: {} as Record<string, string> };
  const modelled = new Set(['bootstrap.servers', ...SECURITY_MODEL_KEYS]);
  for (const [key, value] of Object.entries(explicit)) {
    const section = CLIENT_SECTION.exec(key);
    if (section !== null) clients[section[1] as 'consumer' | 'producer' | 'admin'][section[2]!] = value;
    else if (!modelled.has(key)) properties[key] = value;
  }
  return {
    alias,
    bootstrapServers,
    security: parseSecurity(connection),
    properties: sortKeys(properties),
    consumer: sortKeys(clients.consumer),
    producer: sortKeys(clients.producer),
    admin: sortKeys(clients.admin),
  };
}
