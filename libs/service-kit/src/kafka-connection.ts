import { readFileSync } from 'node:fs';
import {
  CLIENT_CONNECTION_KEYS,
  parseJaasConfig,
  parseSecurity,
  securityToProperties,
  type ClusterConfig,
  type PropertyMap,
  type SecurityConfig,
  type SslSettings,
} from '@mirrormaker/config';
import {
  clientKeyMaterial,
  isKafkaError,
  looksLikeJavaKeyStore,
  trustedCertificates,
  type KafkaConnection,
  type SecurityOptions,
  type StoreType,
  type TlsOptions,
} from '@mirrormaker/kafka';
import { ServiceError } from './errors';

const PASSWORD_MECHANISMS = { PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512' } as const;

function unreadable(message: string): ServiceError {
  return new ServiceError('CONFIG_UNREADABLE', message);
}

function readStore(where: string, key: string, location: string): Buffer {
  try {
    return readFileSync(location);
  } catch (err) {
    throw unreadable(`${where}: cannot read ${key} ${location}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/**
 * The store type: as configured, else what the file looks like. Java's default is JKS, and its JKS
 * type also opens PKCS12 files, so an unset type accepts all three.
 */
function typeOf(configured: string | undefined, bytes: Buffer): StoreType {
  if (configured !== undefined) return configured.toUpperCase() as StoreType;
  if (looksLikeJavaKeyStore(bytes)) return 'JKS';
  if (bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN')) return 'PEM';
  return 'PKCS12';
}

// Store readers throw KafkaErrors naming the problem; they get the cluster and key in front here.
function withStore<T>(where: string, key: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (isKafkaError(err)) throw unreadable(`${where}: ${key}: ${err.message}`);
    throw err;
  }
}

const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/**
 * Java enables `ssl.enabled.protocols` (default TLSv1.2 and TLSv1.3), and a context made for
 * `ssl.protocol` TLSv1.2 never speaks TLSv1.3. Node takes a range.
 */
function tlsVersions(where: string, prefix: string, ssl: SslSettings): Pick<TlsOptions, 'minVersion' | 'maxVersion'> {
  if (ssl.enabledProtocols === undefined && ssl.protocol === undefined) return {};
  const enabled = ssl.enabledProtocols ?? ['TLSv1.2', 'TLSv1.3'];
  for (const version of enabled) {
    if (!(TLS_VERSIONS as readonly string[]).includes(version)) {
      throw unreadable(`${where}: ${prefix}ssl.enabled.protocols names ${version}; use ${TLS_VERSIONS.join(', ')}`);
    }
  }
  const ceiling = ssl.protocol === undefined || ssl.protocol === 'TLS' ? 'TLSv1.3' : ssl.protocol;
  if (!(TLS_VERSIONS as readonly string[]).includes(ceiling)) {
    throw unreadable(`${where}: ${prefix}ssl.protocol=${ssl.protocol} is not known; use TLSv1.2 or TLSv1.3`);
  }
  const allowed = TLS_VERSIONS.filter((v) => enabled.includes(v) && TLS_VERSIONS.indexOf(v) <= TLS_VERSIONS.indexOf(ceiling as (typeof TLS_VERSIONS)[number]));
  if (allowed.length === 0) {
    throw unreadable(`${where}: ${prefix}ssl.enabled.protocols and ${prefix}ssl.protocol leave no TLS version to use`);
  }
  return { minVersion: allowed[0], maxVersion: allowed[allowed.length - 1] };
}

function tlsOptions(where: string, prefix: string, ssl: SslSettings): TlsOptions {
  const tls: TlsOptions = { rejectUnauthorized: true, ...tlsVersions(where, prefix, ssl) };
  const algorithm = ssl.endpointIdentificationAlgorithm;
  if (algorithm !== undefined && algorithm !== '' && algorithm.toUpperCase() !== 'HTTPS') {
    throw unreadable(`${where}: ${prefix}ssl.endpoint.identification.algorithm=${algorithm} is not known; use https (check the broker's host name) or leave it empty (do not)`);
  }
  if (algorithm === '') tls.verifyHostname = false;

  if (ssl.truststoreCertificates !== undefined) {
    tls.ca = ssl.truststoreCertificates;
  } else if (ssl.truststoreLocation !== undefined) {
    const key = `${prefix}ssl.truststore.location`;
    const bytes = readStore(where, key, ssl.truststoreLocation);
    tls.ca = withStore(where, key, () => trustedCertificates(typeOf(ssl.truststoreType, bytes), bytes, ssl.truststorePassword, ssl.truststoreLocation!));
  }

  if (ssl.keystoreKey !== undefined || ssl.keystoreCertificateChain !== undefined) {
    if (ssl.keystoreKey === undefined || ssl.keystoreCertificateChain === undefined) {
      throw unreadable(`${where}: ${prefix}ssl.keystore.key and ${prefix}ssl.keystore.certificate.chain go together; set both`);
    }
    tls.key = ssl.keystoreKey;
    tls.cert = ssl.keystoreCertificateChain;
    if (ssl.keyPassword !== undefined) tls.passphrase = ssl.keyPassword;
  } else if (ssl.keystoreLocation !== undefined) {
    const key = `${prefix}ssl.keystore.location`;
    const bytes = readStore(where, key, ssl.keystoreLocation);
    const material = withStore(where, key, () =>
      clientKeyMaterial(typeOf(ssl.keystoreType, bytes), bytes, ssl.keystorePassword, ssl.keyPassword, ssl.keystoreLocation!),
    );
    Object.assign(tls, material);
  }
  return tls;
}

function saslOptions(where: string, prefix: string, sasl: NonNullable<SecurityConfig['sasl']>): NonNullable<SecurityOptions['sasl']> {
  const mechanism = sasl.mechanism.toUpperCase();
  if (mechanism === 'OAUTHBEARER') {
    const jaas = sasl.jaasConfig === undefined ? undefined : parseJaasConfig(sasl.jaasConfig);
    const options = jaas?.ok ? jaas.jaas.options : {};
    const { clientId, clientSecret, scope } = options;
    if (sasl.tokenEndpointUrl === undefined || clientId === undefined || clientSecret === undefined) {
      throw unreadable(
        `${where}: OAUTHBEARER needs ${prefix}sasl.oauthbearer.token.endpoint.url and clientId and clientSecret in ${prefix}sasl.jaas.config`,
      );
    }
    return { mechanism: 'oauthbearer', oauth: { tokenEndpointUrl: sasl.tokenEndpointUrl, clientId, clientSecret, ...(scope ? { scope } : {}) } };
  }
  const passwordMechanism = PASSWORD_MECHANISMS[mechanism as keyof typeof PASSWORD_MECHANISMS];
  if (!passwordMechanism || sasl.username === undefined || sasl.password === undefined) {
    throw unreadable(
      `${where}: SASL mechanism ${sasl.mechanism} needs PLAIN or SCRAM-SHA-256/512 with username and password in ${prefix}sasl.jaas.config, or OAUTHBEARER with clientId and clientSecret`,
    );
  }
  return { mechanism: passwordMechanism, username: sasl.username, password: sasl.password };
}

/**
 * How libs/kafka reaches a cluster of the replication config: bootstrap servers and MM2's security
 * keys (PLAINTEXT, SSL, SASL PLAIN/SCRAM/OAUTHBEARER; stores as JKS, PKCS12 or PEM) mapped to a
 * KafkaConnection.
 *
 * `clientProps` are the properties of one client (a flow's `clients.source.consumer`, or a
 * cluster's `admin` overrides): their connection keys replace the cluster's, as MM2 lets
 * `<alias>.consumer.sasl.jaas.config` give the consumer its own credentials.
 */
export function kafkaConnectionFor(cluster: ClusterConfig, clientId: string, clientProps: PropertyMap = {}, clientKind?: string): KafkaConnection {
  const overrides = Object.entries(clientProps).filter(([key]) => CLIENT_CONNECTION_KEYS.has(key));
  const base = securityToProperties(cluster.security);
  const changed = overrides.filter(([key, value]) => key !== 'bootstrap.servers' && base[key] !== value);
  const security = changed.length === 0 ? cluster.security : parseSecurity({ ...base, ...Object.fromEntries(overrides) });
  const servers = clientProps['bootstrap.servers'];
  const brokers = servers === undefined ? [...cluster.bootstrapServers] : servers.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const where = changed.length === 0 || clientKind === undefined ? `cluster ${cluster.alias}` : `cluster ${cluster.alias} (${clientKind})`;
  const prefix = changed.length === 0 || clientKind === undefined ? `${cluster.alias}.` : `${cluster.alias}.${clientKind}.`;

  const { protocol } = security;
  const options: SecurityOptions = { protocol };
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    options.sasl = saslOptions(where, prefix, security.sasl ?? { mechanism: 'GSSAPI' });
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') options.ssl = tlsOptions(where, prefix, security.ssl ?? {});
  return { clusterAlias: cluster.alias, brokers, clientId, security: options };
}
