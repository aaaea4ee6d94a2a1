import { hasReference, replaceReferences } from './config-providers';
import { toJson, type MirrorConfigJson } from './json-form';
import type { ClientConfigs, ClusterConfig, FlowConfig, MirrorConfig, PropertyMap } from './model';
import { modelToEntries } from './model-entries';
import { REDACTED } from './redaction-marker';
import { javaTrim } from './value-parsers';
import type { SaslSettings, SecurityConfig, SslSettings } from './security';

export { REDACTED };

const SENSITIVE_NAME =
  /password|secret|(^|\.)sasl\.jaas\.config$|(^|\.)ssl\.keystore\.key$|(^|\.)ssl\.keystore\.certificate\.chain$|(^|\.)basic\.auth\.user\.info$/i;

/** Key names whose values are always hidden, wherever they appear (`A.consumer.ssl.key.password` too). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_NAME.test(key);
}

/**
 * Secret values, compared as Java trims them: the model holds a value trimmed (a JAAS line, a
 * password) while a copy of it under another key keeps the blanks it was written with.
 */
class SecretValues {
  private readonly values = new Set<string>();

  add(value: string): void {
    this.values.add(javaTrim(value));
  }

  has(value: string): boolean {
    return this.values.has(javaTrim(value));
  }
}

/**
 * Values to hide because of where they came from: anything resolved through a config provider, and
 * anything stored under a sensitive key, so that a copy under another name is hidden as well.
 */
function secretValues(config: MirrorConfig): { all: SecretValues; provided: SecretValues } {
  const all = new SecretValues();
  const provided = new SecretValues();
  for (const entry of modelToEntries(config, { references: false })) {
    if (javaTrim(entry.value) === '') continue;
    if (config.provided[entry.key] !== undefined) provided.add(entry.value);
    if (isSensitiveKey(entry.key) || config.provided[entry.key] !== undefined) all.add(entry.value);
  }
  return { all, provided };
}

/** Hides sensitive keys and secret values in a property map, e.g. before logging a client config. */
export function redactProperties(props: PropertyMap, config?: MirrorConfig): Record<string, string> {
  return redactMap(props, config === undefined ? new SecretValues() : secretValues(config).all);
}

function redactMap(props: PropertyMap, secrets: SecretValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) out[key] = isSensitiveKey(key) || secrets.has(value) ? REDACTED : value;
  return out;
}

/**
 * A copy of the model safe to log or return from the control API: passwords, JAAS lines, private
 * keys, `*secret*` keys and every value that came through a config provider read `[redacted]`.
 * `provided` keeps the references (they name where a secret lives, not the secret) unless a
 * sensitive key's reference text holds literal text besides the references.
 */
export function redact(config: MirrorConfig): MirrorConfig {
  const { all: secrets, provided: providedValues } = secretValues(config);
  const hide = (value: string): string => (secrets.has(value) ? REDACTED : value);
  const clusters: Record<string, ClusterConfig> = {};
  for (const [alias, cluster] of Object.entries(config.clusters)) {
    clusters[alias] = {
      ...cluster,
      bootstrapServers:
        secrets.has(cluster.bootstrapServers.join(',')) || cluster.bootstrapServers.some((s) => secrets.has(s))
          ? [REDACTED]
          : cluster.bootstrapServers,
      security: redactSecurity(cluster.security, hide, providedValues),
      properties: redactMap(cluster.properties, secrets),
      consumer: redactMap(cluster.consumer, secrets),
      producer: redactMap(cluster.producer, secrets),
      admin: redactMap(cluster.admin, secrets),
    };
  }
  const flows: FlowConfig[] = config.flows.map((flow) => ({
    ...flow,
    extra: redactMap(flow.extra, secrets),
    clients: { source: redactClients(flow.clients.source, secrets), target: redactClients(flow.clients.target, secrets) },
    raw: redactMap(flow.raw, secrets),
  }));
  const provided: Record<string, string> = {};
  for (const [key, template] of Object.entries(config.provided)) {
    const onlyReferences = hasReference(template) && replaceReferences(template, '').trim() === '';
    provided[key] = isSensitiveKey(key) && !onlyReferences ? REDACTED : template;
  }
  return {
    clusters,
    flows,
    ours: config.ours,
    topLevel: redactMap(config.topLevel, secrets),
    provided,
    unknownKeys: redactMap(config.unknownKeys, secrets),
  };
}

function redactClients(clients: ClientConfigs, secrets: SecretValues): ClientConfigs {
  return {
    consumer: redactMap(clients.consumer, secrets),
    producer: redactMap(clients.producer, secrets),
    admin: redactMap(clients.admin, secrets),
  };
}

const ALWAYS_HIDDEN_SSL: ReadonlySet<keyof SslSettings> = new Set([
  'truststorePassword',
  'keystorePassword',
  'keyPassword',
  'keystoreKey',
  'keystoreCertificateChain',
]);

function redactSecurity(
  security: SecurityConfig,
  hide: (value: string) => string,
  providedValues: SecretValues,
): SecurityConfig {
  const { sasl, ssl } = security;
  let redactedSasl: SaslSettings | undefined;
  if (sasl !== undefined) {
    // A username is no secret, unless the whole JAAS line came from a provider.
    const jaasHidden = sasl.jaasConfig !== undefined && providedValues.has(sasl.jaasConfig);
    redactedSasl = {
      mechanism: sasl.mechanism,
      ...(sasl.username === undefined ? {} : { username: jaasHidden ? REDACTED : hide(sasl.username) }),
      ...(sasl.password === undefined ? {} : { password: REDACTED }),
      ...(sasl.jaasConfig === undefined ? {} : { jaasConfig: REDACTED }),
      ...(sasl.tokenEndpointUrl === undefined ? {} : { tokenEndpointUrl: hide(sasl.tokenEndpointUrl) }),
    };
  }
  let redactedSsl: SslSettings | undefined;
  if (ssl !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(ssl) as Array<[keyof SslSettings, string | readonly string[]]>) {
      out[field] = typeof value !== 'string' ? value : ALWAYS_HIDDEN_SSL.has(field) ? REDACTED : hide(value);
    }
    redactedSsl = out as SslSettings;
  }
  return {
    protocol: security.protocol,
    ...(redactedSasl === undefined ? {} : { sasl: redactedSasl }),
    ...(redactedSsl === undefined ? {} : { ssl: redactedSsl }),
  };
}

/** `toJson(redact(config))`: what the control API returns. */
export function redactedJson(config: MirrorConfig): MirrorConfigJson {
  return toJson(redact(config));
}
