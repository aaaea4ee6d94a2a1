/**
 * Names MM2 itself knows, grouped by how dedicated mode treats them. Used to tell which keys are
 * honoured where, and which are unknown (kept and warned about).
 */

const SSL_CLIENT_KEYS = [
  'ssl.protocol',
  'ssl.provider',
  'ssl.cipher.suites',
  'ssl.enabled.protocols',
  'ssl.keystore.type',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.certificates',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keymanager.algorithm',
  'ssl.trustmanager.algorithm',
  'ssl.endpoint.identification.algorithm',
  'ssl.secure.random.implementation',
  'ssl.engine.factory.class',
];

const SASL_CLIENT_KEYS = [
  'sasl.mechanism',
  'sasl.jaas.config',
  'sasl.client.callback.handler.class',
  'sasl.login.callback.handler.class',
  'sasl.login.class',
  'sasl.kerberos.service.name',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.ticket.renew.window.factor',
  'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.login.refresh.window.factor',
  'sasl.login.refresh.window.jitter',
  'sasl.login.refresh.min.period.seconds',
  'sasl.login.refresh.buffer.seconds',
  'sasl.login.connect.timeout.ms',
  'sasl.login.read.timeout.ms',
  'sasl.login.retry.backoff.max.ms',
  'sasl.login.retry.backoff.ms',
  'sasl.oauthbearer.scope.claim.name',
  'sasl.oauthbearer.sub.claim.name',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.jwks.endpoint.url',
  'sasl.oauthbearer.jwks.endpoint.refresh.ms',
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms',
  'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms',
  'sasl.oauthbearer.clock.skew.seconds',
  'sasl.oauthbearer.expected.audience',
  'sasl.oauthbearer.expected.issuer',
  'sasl.oauthbearer.header.urlencode',
];

/**
 * Connection keys every MM2 client inherits from its cluster: bootstrap servers, protocol, SSL and
 * SASL. Top-level ones are defaults for every cluster.
 */
export const CLIENT_CONNECTION_KEYS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'security.protocol',
  ...SSL_CLIENT_KEYS,
  ...SASL_CLIENT_KEYS,
]);

/** Kafka Connect's own connector keys, part of the MM2 connector key set. */
export const CONNECT_CONNECTOR_KEYS: ReadonlySet<string> = new Set([
  'name',
  'connector.class',
  'tasks.max.enforce',
  'key.converter',
  'value.converter',
  'header.converter',
  'transforms',
  'predicates',
  'config.action.reload',
  'errors.retry.timeout',
  'errors.retry.delay.max.ms',
  'errors.tolerance',
  'errors.log.enable',
  'errors.log.include.messages',
]);

/** Connector-level keys that only make sense per flow (Connect source-connector keys). */
export const CONNECT_SOURCE_FLOW_KEYS: ReadonlySet<string> = new Set([
  'transaction.boundary',
  'transaction.boundary.interval.ms',
  'offsets.storage.topic',
  'topic.creation.groups',
]);

/** Prefixes of flow-level keys that MM2 hands to Connect or to clients. */
export const FLOW_KEY_PREFIXES: readonly string[] = [
  'consumer.',
  'producer.',
  'admin.',
  'source.',
  'target.',
  'transforms.',
  'predicates.',
  'topic.creation.',
  'key.converter.',
  'value.converter.',
  'header.converter.',
];

/** MirrorMakerConfig's own keys. */
export const MM2_DRIVER_KEYS: ReadonlySet<string> = new Set(['clusters', 'dedicated.mode.enable.internal.rest']);

/** Top-level prefixes MM2 copies into every herder's worker config. */
export const WORKER_PREFIXES: readonly string[] = [
  'offset.storage',
  'config.storage',
  'status.storage',
  'key.converter',
  'value.converter',
  'header.converter',
  'task',
  'worker',
  'replication.policy',
];

/** Connect REST server keys accepted at top level (the internal REST of dedicated mode). */
export const REST_KEYS: ReadonlySet<string> = new Set(['listeners', 'admin.listeners']);
export const REST_PREFIXES: readonly string[] = ['rest.', 'listeners.https.', 'admin.listeners.https.'];

export interface RemovedKey {
  readonly severity: 'error' | 'warning';
  readonly replacement?: string;
  readonly note: string;
}

/** Keys removed in MM2 4.0 (after deprecation in 2.8 and 3.x). Matched on the key without prefix. */
export const REMOVED_KEYS: Readonly<Record<string, RemovedKey>> = {
  'topics.blacklist': {
    severity: 'error',
    replacement: 'topics.exclude',
    note: 'MM2 4.0 ignores it, so the topics it excluded would be mirrored',
  },
  'groups.blacklist': {
    severity: 'error',
    replacement: 'groups.exclude',
    note: 'MM2 4.0 ignores it, so the groups it excluded would be checkpointed',
  },
  'config.properties.blacklist': {
    severity: 'error',
    replacement: 'config.properties.exclude',
    note: 'MM2 4.0 ignores it, so the topic configs it excluded would be copied',
  },
  'use.incremental.alter.configs': {
    severity: 'warning',
    note: 'removed in MM2 4.0: topic configs are always synced with incremental alter-configs',
  },
  'add.source.alias.to.metrics': {
    severity: 'warning',
    note: 'removed in MM2 4.0: the source alias is always a metric tag',
  },
};

export function hasAnyPrefix(key: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => key.startsWith(prefix));
}

const SMT_NOTE = 'single message transforms are not run: records are copied byte for byte';

/**
 * What we do instead for keys MM2 reads but we accept without applying (wherever they are written),
 * or undefined for any other key.
 */
export function notAppliedNote(name: string): { readonly message: string; readonly hint: string } | undefined {
  if (name === 'transforms' || name === 'predicates' || name.startsWith('transforms.') || name.startsWith('predicates.')) {
    return { message: `${name} is not applied: ${SMT_NOTE}`, hint: 'remove it, and transform records where they are consumed' };
  }
  if (name === 'offset.flush.interval.ms') {
    return {
      message: `${name} applies to no flow here: MM2 reads it from the worker settings of the target cluster only`,
      hint: `write it with the target cluster's prefix (B.${name} for the flows into B)`,
    };
  }
  return undefined;
}
