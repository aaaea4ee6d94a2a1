/**
 * Pure configuration builders for the local single-node KRaft clusters: broker properties, JAAS,
 * log4j2, JVM options and client settings. No I/O here, so all of it is unit tested.
 */
import { randomBytes } from 'node:crypto';
import type { Properties } from './properties';

/** Loopback ports of one cluster. */
export interface ClusterPorts {
  /** PLAINTEXT listener: unauthenticated clients (super user ANONYMOUS) and inter-broker traffic. */
  plaintext: number;
  /** SASL_PLAINTEXT listener with mechanisms PLAIN (static users) and SCRAM-SHA-512 (users made through the admin API); ACLs apply to non-super users. */
  sasl: number;
  /** KRaft controller listener. */
  controller: number;
  /** SSL listener (with `tls`): client certificates required (mTLS), principal = certificate CN. */
  ssl?: number;
  /** SASL_SSL listener (with `tls`): PLAIN, SCRAM-SHA-256/512 and, with `tls.oauth`, OAUTHBEARER. */
  saslSsl?: number;
  /** SSL listener named MISNAMED (with `tls.misnamedKeystore`): its certificate does not name 127.0.0.1. */
  misnamedSsl?: number;
  /**
   * PLAINTEXT listener named PROXIED that advertises `proxiedAdvertised` instead of its own port: a
   * proxy listening there (e.g. one adding network delay) forwards to this port, and every client
   * that bootstraps through the proxy keeps going through it. Give both or neither.
   */
  proxied?: number;
  proxiedAdvertised?: number;
}

/** TLS listeners of a test cluster; stores are PKCS12 files made at test time. */
export interface BrokerTls {
  keystore: string;
  keystorePassword: string;
  /** Trusted for client certificates on the SSL listener. */
  truststore: string;
  truststorePassword: string;
  /** Served by the MISNAMED listener: for host name check tests. */
  misnamedKeystore?: string;
  /** OAUTHBEARER on SASL_SSL: tokens are JWTs checked with the keys at `jwksUrl`. */
  oauth?: { jwksUrl: string; audience: string };
}

export interface SaslUser {
  username: string;
  password: string;
}

/** The SASL/PLAIN users every cluster knows. `admin` is a super user; alice and bob are subject to ACLs. */
export const DEFAULT_USERS = {
  admin: { username: 'admin', password: 'admin-secret' },
  alice: { username: 'alice', password: 'alice-secret' },
  bob: { username: 'bob', password: 'bob-secret' },
} as const satisfies Record<string, SaslUser>;

export const DEFAULT_SUPER_USERS: readonly string[] = ['admin'];

export const LOOPBACK = '127.0.0.1';

/** Line the broker logs once it serves clients (KafkaRaftServer, Kafka 3.x/4.x). */
export const BROKER_STARTED_LOG_LINE = 'Kafka Server started';

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Settings shared by every single-node test cluster (independent of ports, paths and users). */
export const SINGLE_NODE_DEFAULTS: Properties = {
  'num.partitions': 1,
  'default.replication.factor': 1,
  'min.insync.replicas': 1,
  'offsets.topic.replication.factor': 1,
  'offsets.topic.num.partitions': 5,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'transaction.state.log.num.partitions': 5,
  'share.coordinator.state.topic.replication.factor': 1,
  'share.coordinator.state.topic.min.isr': 1,
  'share.coordinator.state.topic.num.partitions': 5,
  'group.initial.rebalance.delay.ms': 0,
  'auto.create.topics.enable': false,
  'delete.topic.enable': true,
  'num.network.threads': 2,
  'num.io.threads': 2,
  'num.replica.fetchers': 1,
  'num.recovery.threads.per.data.dir': 1,
  'background.threads': 2,
  'log.cleaner.threads': 1,
  'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
  // Compaction within a second or two of a segment rolling, for tests of compacted sources.
  'log.cleaner.backoff.ms': 1000,
  'log.retention.check.interval.ms': 60_000,
};

export interface BrokerConfigInput {
  ports: ClusterPorts;
  /** Absolute path of the log (data) directory. */
  logDir: string;
  /** username -> password for the SASL/PLAIN listener. */
  users: Record<string, string>;
  /** Usernames (SASL) that bypass ACLs in addition to ANONYMOUS (the PLAINTEXT listener). */
  superUsers?: readonly string[];
  host?: string;
  nodeId?: number;
  /** SSL and SASL_SSL listeners (their ports in `ports`). */
  tls?: BrokerTls;
  /** Extra or overriding broker settings; `undefined` removes a default. */
  overrides?: Record<string, string | number | boolean | undefined>;
}

/** Server-side JAAS configuration for SASL/PLAIN with static users. */
export function plainJaasConfig(users: Record<string, string>): string {
  const entries = Object.entries(users);
  if (entries.length === 0) throw new Error('at least one SASL user is required');
  const parts = entries.map(([name, password]) => {
    checkName(name, 'username');
    return `user_${name}=${quote(password)}`;
  });
  return `org.apache.kafka.common.security.plain.PlainLoginModule required ${parts.join(' ')};`;
}

/** Client-side settings to authenticate with SASL/PLAIN (Java client property names). */
export function saslClientProperties(user: SaslUser): Properties {
  checkName(user.username, 'username');
  return {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username=${quote(
      user.username,
    )} password=${quote(user.password)};`,
  };
}

function quote(value: string): string {
  if (/["\\\n\r]/.test(value)) throw new Error(`SASL password must not contain quotes, backslashes or newlines`);
  return `"${value}"`;
}

function checkName(name: string, what: string): void {
  if (!NAME_PATTERN.test(name)) throw new Error(`invalid ${what} '${name}': use letters, digits, '.', '_' or '-'`);
}

/** server.properties for a combined broker+controller node with PLAINTEXT, SASL_PLAINTEXT and CONTROLLER listeners. */
export function brokerProperties(input: BrokerConfigInput): Properties {
  const host = input.host ?? LOOPBACK;
  const { plaintext, sasl, controller } = input.ports;
  const superUsers = ['ANONYMOUS', ...(input.superUsers ?? DEFAULT_SUPER_USERS)].map((u) => {
    checkName(u, 'super user');
    return `User:${u}`;
  });
  const props: Record<string, string | number | boolean | undefined> = {
    'process.roles': 'broker,controller',
    'node.id': input.nodeId ?? 1,
    'controller.quorum.bootstrap.servers': `${host}:${controller}`,
    listeners: `PLAINTEXT://${host}:${plaintext},SASL_PLAINTEXT://${host}:${sasl},CONTROLLER://${host}:${controller}`,
    'advertised.listeners': `PLAINTEXT://${host}:${plaintext},SASL_PLAINTEXT://${host}:${sasl}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
    // SCRAM users are made per test through the admin API (scram-users.ts), e.g. one per service.
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
    'listener.name.sasl_plaintext.plain.sasl.jaas.config': plainJaasConfig(input.users),
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': superUsers.join(';'),
    'allow.everyone.if.no.acl.found': false,
    'log.dirs': input.logDir,
    ...(input.tls ? tlsListenerProperties(input, host) : {}),
    ...SINGLE_NODE_DEFAULTS,
  };
  if (input.ports.proxied !== undefined || input.ports.proxiedAdvertised !== undefined) {
    const { proxied, proxiedAdvertised } = input.ports;
    if (proxied === undefined || proxiedAdvertised === undefined) throw new Error('the PROXIED listener needs ports.proxied and ports.proxiedAdvertised');
    props.listeners = `${String(props.listeners)},PROXIED://${host}:${proxied}`;
    props['advertised.listeners'] = `${String(props['advertised.listeners'])},PROXIED://${host}:${proxiedAdvertised}`;
    props['listener.security.protocol.map'] = `${String(props['listener.security.protocol.map'])},PROXIED:PLAINTEXT`;
  }
  Object.assign(props, input.overrides ?? {});
  const out: Properties = {};
  for (const [k, v] of Object.entries(props)) if (v !== undefined) out[k] = v;
  return out;
}

const OAUTH_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';
const OAUTH_VALIDATOR = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler';

/** Listener settings for the SSL, SASL_SSL and MISNAMED listeners, added to the PLAINTEXT and SASL ones. */
export function tlsListenerProperties(input: BrokerConfigInput, host: string): Record<string, string | number | boolean> {
  const tls = input.tls!;
  const { ssl, saslSsl, misnamedSsl } = input.ports;
  if (ssl === undefined || saslSsl === undefined) throw new Error('TLS listeners need ports.ssl and ports.saslSsl');
  if (tls.misnamedKeystore !== undefined && misnamedSsl === undefined) throw new Error('the MISNAMED listener needs ports.misnamedSsl');
  const extra = [`SSL://${host}:${ssl}`, `SASL_SSL://${host}:${saslSsl}`, ...(misnamedSsl === undefined ? [] : [`MISNAMED://${host}:${misnamedSsl}`])];
  const plainListeners = `PLAINTEXT://${host}:${input.ports.plaintext},SASL_PLAINTEXT://${host}:${input.ports.sasl}`;
  const mechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', ...(tls.oauth ? ['OAUTHBEARER'] : [])];
  const props: Record<string, string | number | boolean> = {
    listeners: `${plainListeners},${extra.join(',')},CONTROLLER://${host}:${input.ports.controller}`,
    'advertised.listeners': `${plainListeners},${extra.join(',')}`,
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT${misnamedSsl === undefined ? '' : ',MISNAMED:SSL'}`,
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': tls.keystore,
    'ssl.keystore.password': tls.keystorePassword,
    'ssl.truststore.type': 'PKCS12',
    'ssl.truststore.location': tls.truststore,
    'ssl.truststore.password': tls.truststorePassword,
    'listener.name.ssl.ssl.client.auth': 'required',
    // User:<CN> for certificates, so ACLs name mTLS clients as they name SASL users.
    'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+)$/$1/,DEFAULT',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': mechanisms.join(','),
    'listener.name.sasl_ssl.plain.sasl.jaas.config': plainJaasConfig(input.users),
    'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
  };
  if (tls.oauth) {
    props['listener.name.sasl_ssl.oauthbearer.sasl.jaas.config'] = `${OAUTH_LOGIN_MODULE} required;`;
    props['listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class'] = OAUTH_VALIDATOR;
    props['listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.jwks.endpoint.url'] = tls.oauth.jwksUrl;
    props['listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.expected.audience'] = tls.oauth.audience;
  }
  if (tls.misnamedKeystore !== undefined) {
    props['listener.name.misnamed.ssl.keystore.type'] = 'PKCS12';
    props['listener.name.misnamed.ssl.keystore.location'] = tls.misnamedKeystore;
    props['listener.name.misnamed.ssl.keystore.password'] = tls.keystorePassword;
    props['listener.name.misnamed.ssl.client.auth'] = 'none';
  }
  return props;
}

/** JVM system properties a broker with these TLS listeners needs (Kafka 4 fetches only allowed OAuth URLs). */
export function tlsJvmOptions(tls: BrokerTls | undefined): string[] {
  return tls?.oauth ? [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${tls.oauth.jwksUrl}`] : [];
}

/** log4j2 configuration (properties format) that writes everything to one file. */
export function log4j2Properties(logFile: string, level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): Properties {
  return {
    status: 'warn',
    'appender.file.type': 'File',
    'appender.file.name': 'FILE',
    'appender.file.fileName': logFile,
    'appender.file.append': true,
    'appender.file.layout.type': 'PatternLayout',
    'appender.file.layout.pattern': '[%d] %p %m (%c)%n',
    'rootLogger.level': level,
    'rootLogger.appenderRef.file.ref': 'FILE',
  };
}

/** log4j2 configuration for command line tools: warnings and errors only, on stderr. */
export function quietToolLog4j2Properties(): Properties {
  return {
    status: 'error',
    'appender.err.type': 'Console',
    'appender.err.name': 'STDERR',
    'appender.err.target': 'SYSTEM_ERR',
    'appender.err.layout.type': 'PatternLayout',
    'appender.err.layout.pattern': '[%d] %p %m (%c)%n',
    'rootLogger.level': 'WARN',
    'rootLogger.appenderRef.err.ref': 'STDERR',
  };
}

/**
 * JVM profiles.
 * - fast-start: small heap and C1 only (-XX:TieredStopAtLevel=1); roughly halves broker start time
 *   on a 2-core machine. Right for functional tests.
 * - full-jit: the usual server JIT and a 1 GiB heap, like kafka-server-start.sh. Use for benchmarks.
 */
export type JvmProfile = 'fast-start' | 'full-jit';

export function jvmOptions(profile: JvmProfile = 'fast-start'): string[] {
  const common = ['-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true'];
  if (profile === 'full-jit') {
    return ['-Xms1g', '-Xmx1g', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', ...common];
  }
  return ['-Xms128m', '-Xmx384m', '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1', ...common];
}

/**
 * A new random cluster id, formatted like Kafka's Uuid.randomUuid().toString(): 16 random bytes,
 * URL-safe base64 without padding, never starting with '-' (it would look like a command line flag).
 */
export function newClusterId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const bytes = random(16);
    const id = bytes.toString('base64url');
    const allZero = bytes.every((b) => b === 0);
    if (!id.startsWith('-') && !allZero && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

/** Ports that follow the documented scheme: plaintext = base, sasl = base + 1, controller = base + 2. */
export function portsFromBase(base: number): ClusterPorts {
  return { plaintext: base, sasl: base + 1, controller: base + 2 };
}

/** Default ports of the two CLI clusters. */
export const DEFAULT_PORTS = {
  source: portsFromBase(19092),
  target: portsFromBase(29092),
} as const;

/** Cluster names are used as directory names. */
export function checkClusterName(name: string): void {
  checkName(name, 'cluster name');
}
