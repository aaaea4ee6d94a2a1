/**
 * How to reach one Kafka cluster, and the client object every port (admin, producer, partition
 * consumer) is built from. The kafkajs instance stays private to this lib.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions, SecureVersion } from 'node:tls';
import type { Logger } from 'pino';
import { registerCompressionCodecs } from './compression-codecs';
import { KafkaError } from './errors';
import { kafkaJsLogLevelFor, pinoLogCreator } from './log-bridge';
import { OAuthTokenSource, type ClientCredentials } from './oauth-token-source';
import { installRecordCodecPatch } from './record-codec-patch';
import { kafkaSocketFactory } from './socket-factory';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface PasswordCredentials {
  mechanism: Exclude<SaslMechanism, 'oauthbearer'>;
  username: string;
  password: string;
}

/** OAUTHBEARER with tokens from an OAuth client-credentials endpoint. */
export interface OAuthBearerCredentials {
  mechanism: 'oauthbearer';
  oauth: ClientCredentials;
}

export type SaslCredentials = PasswordCredentials | OAuthBearerCredentials;

/**
 * TLS material in Node's forms (PEM, or a PKCS12 `pfx` with its passphrase); omitted fields use
 * Node's defaults (system CAs, no client certificate).
 */
export interface TlsOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: Buffer;
  /** Decrypts `key` or `pfx`. */
  passphrase?: string;
  /** TLS versions allowed (Java's `ssl.enabled.protocols`, `ssl.protocol`). @default Node's */
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** @default true */
  rejectUnauthorized?: boolean;
  /**
   * Whether the broker's certificate must name the host dialled; false is Java's
   * `ssl.endpoint.identification.algorithm=` (empty). The chain is still verified. @default true
   */
  verifyHostname?: boolean;
}

export interface SecurityOptions {
  protocol: SecurityProtocol;
  /** Required for SASL_PLAINTEXT and SASL_SSL, refused otherwise. */
  sasl?: SaslCredentials;
  /** Only for SSL and SASL_SSL. */
  ssl?: TlsOptions;
}

export interface RetryOptions {
  /** Attempts after the first one. @default 5 */
  retries?: number;
  /** @default 300 */
  initialRetryTimeMs?: number;
  /** @default 30000 */
  maxRetryTimeMs?: number;
}

export interface KafkaConnection {
  /** The MM2 alias of the cluster, used in log lines and error messages. */
  clusterAlias: string;
  /** Bootstrap servers, "host:port". */
  brokers: string[];
  clientId: string;
  /** @default { protocol: 'PLAINTEXT' } */
  security?: SecurityOptions;
  /** @default 10000 */
  connectionTimeoutMs?: number;
  /** @default 30000 */
  requestTimeoutMs?: number;
  retry?: RetryOptions;
}

const clients = new WeakMap<KafkaClient, Kafka>();

/**
 * One cluster connection; admins, producers and partition consumers are created from it. Made only
 * by createKafkaClient (index.ts exports the type, not the class).
 */
export class KafkaClient {
  /** The principal the brokers see, for error messages: User:<sasl user>, or User:ANONYMOUS on PLAINTEXT. */
  readonly principal: string | undefined;

  constructor(
    readonly connection: Readonly<KafkaConnection>,
    readonly logger: Logger,
  ) {
    const protocol = connection.security?.protocol ?? 'PLAINTEXT';
    const sasl = connection.security?.sasl;
    // An OAUTHBEARER principal is the token's subject, which only the token endpoint knows.
    this.principal = sasl
      ? 'username' in sasl
        ? `User:${sasl.username}`
        : undefined
      : protocol === 'PLAINTEXT'
        ? 'User:ANONYMOUS'
        : undefined;
  }

  get clusterAlias(): string {
    return this.connection.clusterAlias;
  }
}

/** The kafkajs instance behind a client; for this lib's ports only (not exported from index.ts). */
export function kafkaJsOf(client: KafkaClient): Kafka {
  const kafka = clients.get(client);
  if (!kafka) throw new KafkaError('INVALID_CONFIG', 'not a client made by createKafkaClient()');
  return kafka;
}

function invalid(conn: Pick<KafkaConnection, 'clusterAlias'>, problem: string): KafkaError {
  return new KafkaError('INVALID_CONFIG', `connection to cluster '${conn.clusterAlias}': ${problem}`);
}

/** Validates the options and maps them to kafkajs's configuration (no I/O). */
export function toKafkaJsConfig(conn: KafkaConnection): KafkaConfig {
  if (!conn.clusterAlias) throw invalid(conn, 'clusterAlias is required');
  if (!conn.clientId) throw invalid(conn, 'clientId is required');
  if (!Array.isArray(conn.brokers) || conn.brokers.length === 0) throw invalid(conn, 'brokers must list at least one "host:port"');
  for (const broker of conn.brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(broker)) {
      throw invalid(conn, `broker address '${broker}' is not "host:port"`);
    }
  }
  const security = conn.security ?? { protocol: 'PLAINTEXT' as const };
  if (!SECURITY_PROTOCOLS.includes(security.protocol)) {
    throw invalid(conn, `security protocol '${String(security.protocol)}' is not one of ${SECURITY_PROTOCOLS.join(', ')}`);
  }
  const usesSasl = security.protocol === 'SASL_PLAINTEXT' || security.protocol === 'SASL_SSL';
  const usesTls = security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
  if (usesSasl && !security.sasl) throw invalid(conn, `${security.protocol} needs sasl credentials (mechanism, username, password)`);
  if (!usesSasl && security.sasl) throw invalid(conn, `sasl credentials given but the protocol is ${security.protocol}; use SASL_PLAINTEXT or SASL_SSL`);
  if (!usesTls && security.ssl) throw invalid(conn, `ssl options given but the protocol is ${security.protocol}; use SSL or SASL_SSL`);
  if (security.sasl && !SASL_MECHANISMS.includes(security.sasl.mechanism)) {
    throw invalid(conn, `SASL mechanism '${String(security.sasl.mechanism)}' is not one of ${SASL_MECHANISMS.join(', ')}`);
  }
  if (security.sasl && 'oauth' in security.sasl) {
    const { tokenEndpointUrl, clientId, clientSecret } = security.sasl.oauth;
    if (!tokenEndpointUrl || !/^https?:\/\//.test(tokenEndpointUrl)) throw invalid(conn, 'OAUTHBEARER needs an http(s) token endpoint URL');
    if (!clientId || typeof clientSecret !== 'string') throw invalid(conn, 'OAUTHBEARER needs a client id and a client secret');
  } else if (security.sasl && (!security.sasl.username || typeof security.sasl.password !== 'string')) {
    throw invalid(conn, 'SASL username and password are required');
  }

  const config: KafkaConfig = {
    brokers: [...conn.brokers],
    clientId: conn.clientId,
    connectionTimeout: conn.connectionTimeoutMs ?? 10_000,
    requestTimeout: conn.requestTimeoutMs ?? 30_000,
    retry: {
      retries: conn.retry?.retries ?? 5,
      initialRetryTime: conn.retry?.initialRetryTimeMs ?? 300,
      maxRetryTime: conn.retry?.maxRetryTimeMs ?? 30_000,
    },
  };
  if (usesTls) {
    const tls: ConnectionOptions = { rejectUnauthorized: security.ssl?.rejectUnauthorized ?? true };
    if (security.ssl?.ca !== undefined) tls.ca = security.ssl.ca;
    if (security.ssl?.cert !== undefined) tls.cert = security.ssl.cert;
    if (security.ssl?.key !== undefined) tls.key = security.ssl.key;
    if (security.ssl?.pfx !== undefined) tls.pfx = security.ssl.pfx;
    if (security.ssl?.passphrase !== undefined) tls.passphrase = security.ssl.passphrase;
    if (security.ssl?.minVersion !== undefined) tls.minVersion = security.ssl.minVersion;
    if (security.ssl?.maxVersion !== undefined) tls.maxVersion = security.ssl.maxVersion;
    if (security.ssl?.verifyHostname === false) tls.checkServerIdentity = () => undefined;
    config.ssl = tls;
  }
  if (security.sasl && 'oauth' in security.sasl) {
    const tokens = new OAuthTokenSource(security.sasl.oauth);
    config.sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: await tokens.token() }) };
  } else if (security.sasl) {
    const { mechanism, username, password } = security.sasl;
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return config;
}

/**
 * Creates the client for one cluster. No connection is opened until a port connects. Installs
 * (once per process) the compression codecs and the header-order codec patch.
 */
export function createKafkaClient(conn: KafkaConnection, logger: Logger): KafkaClient {
  installRecordCodecPatch();
  registerCompressionCodecs();
  const config = toKafkaJsConfig(conn);
  const clientLogger = logger.child({ cluster: conn.clusterAlias });
  const kafka = new Kafka({ ...config, socketFactory: kafkaSocketFactory, logLevel: kafkaJsLogLevelFor(clientLogger), logCreator: pinoLogCreator(clientLogger) });
  const client = new KafkaClient(Object.freeze({ ...conn }), clientLogger);
  clients.set(client, kafka);
  return client;
}
