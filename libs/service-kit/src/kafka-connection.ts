import { readFileSync } from 'node:fs';
import type { ClusterConfig } from '@mirrormaker/config';
import type { KafkaConnection, SaslMechanism, SecurityOptions, TlsOptions } from '@mirrormaker/kafka';
import { ServiceError } from './errors';

const MECHANISMS: Record<string, SaslMechanism> = { PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512' };

function pem(cluster: string, what: string, type: string | undefined, inline: string | undefined, location: string | undefined): string | undefined {
  if (inline === undefined && location === undefined) return undefined;
  if (type !== undefined && type.toUpperCase() !== 'PEM') {
    throw new ServiceError(
      'CONFIG_UNREADABLE',
      `cluster ${cluster}: ${what} type ${type} is not supported; convert it to PEM and set ${cluster}.ssl.${what}.type=PEM`,
    );
  }
  if (inline !== undefined) return inline;
  try {
    return readFileSync(location!, 'utf8');
  } catch (err) {
    throw new ServiceError('CONFIG_UNREADABLE', `cluster ${cluster}: cannot read ${what} ${location}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

function tlsOptions(cluster: ClusterConfig): TlsOptions {
  const ssl = cluster.security.ssl ?? {};
  const ca = pem(cluster.alias, 'truststore', ssl.truststoreType, ssl.truststoreCertificates, ssl.truststoreLocation);
  const chain = pem(cluster.alias, 'keystore', ssl.keystoreType, ssl.keystoreCertificateChain, ssl.keystoreLocation);
  return {
    ...(ca ? { ca } : {}),
    ...(chain ? { cert: chain, key: ssl.keystoreKey ?? chain } : {}),
    rejectUnauthorized: true,
  };
}

/**
 * How libs/kafka reaches a cluster of the replication config: bootstrap servers and MM2's
 * security keys (PLAINTEXT, SASL PLAIN/SCRAM, TLS with PEM material) mapped to a KafkaConnection.
 */
export function kafkaConnectionFor(cluster: ClusterConfig, clientId: string): KafkaConnection {
  const { protocol, sasl } = cluster.security;
  const security: SecurityOptions = { protocol };
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const mechanism = MECHANISMS[(sasl?.mechanism ?? 'GSSAPI').toUpperCase()];
    if (!mechanism || sasl?.username === undefined || sasl.password === undefined) {
      throw new ServiceError(
        'CONFIG_UNREADABLE',
        `cluster ${cluster.alias}: SASL mechanism ${sasl?.mechanism ?? 'GSSAPI'} needs PLAIN or SCRAM-SHA-256/512 with username and password in ${cluster.alias}.sasl.jaas.config`,
      );
    }
    security.sasl = { mechanism, username: sasl.username, password: sasl.password };
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') security.ssl = tlsOptions(cluster);
  return { clusterAlias: cluster.alias, brokers: [...cluster.bootstrapServers], clientId, security };
}
