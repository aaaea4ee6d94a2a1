/**
 * A single-node cluster with every listener a Kafka user may secure: SSL with client certificates
 * required (mTLS), SASL_SSL with PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER (JWTs from a local token
 * endpoint), and MISNAMED, an SSL listener whose certificate does not name 127.0.0.1. Certificates,
 * stores and keys are made at start in the cluster's directory and deleted with it. Start one per
 * test file.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_USERS, type ClusterPorts } from './kafka-config';
import { KafkaCluster, type ClusterInfo } from './kafka-cluster';
import { localCa, type LocalCa } from './local-ca';
import { testRunsRoot } from './paths';
import { freePorts } from './process-util';
import { upsertScramUsers, type ScramMechanism } from './scram-users';
import { startTestOAuthServer, type TestOAuthServer } from './test-oauth-server';
import { testKeyStores, type TestKeyStores } from './test-key-stores';

export interface SecureClusterOptions {
  /** Name prefix of the cluster directory. */
  name: string;
  /** SCRAM users to create through the admin API once the broker is up. */
  scramUsers?: ReadonlyArray<{ username: string; password: string; mechanism: ScramMechanism }>;
  /** OAuth clients (clientId → clientSecret) the local token endpoint knows. */
  oauthClients?: Record<string, string>;
  /** SASL users (PLAIN, SCRAM) and certificate names that bypass ACLs, besides ANONYMOUS. Default: admin. */
  superUsers?: string[];
  /** Extra SASL/PLAIN users. */
  users?: Record<string, string>;
}

export interface SecureCluster {
  info: ClusterInfo & { sslBootstrap: string; saslSslBootstrap: string; misnamedSslBootstrap: string };
  ca: LocalCa;
  /** Stores of a client certificate with common name `cn` (made on first use). */
  clientStores(cn: string): TestKeyStores;
  oauth: TestOAuthServer;
  /** `aud` the brokers expect in tokens. */
  oauthAudience: string;
  stop(): Promise<void>;
}

export async function startSecureCluster(options: SecureClusterOptions): Promise<SecureCluster> {
  const name = `${options.name}-${process.pid}-${Date.now().toString(36)}`;
  const dataRoot = join(testRunsRoot(), 'secure');
  mkdirSync(dataRoot, { recursive: true });
  const tlsDir = join(dataRoot, `${name}-tls`);
  const ca = localCa(tlsDir, `${name} CA`);
  const broker = testKeyStores(ca, 'broker');
  ca.issue('misnamed-broker', 'DNS:elsewhere.invalid');
  const misnamed = testKeyStores(ca, 'misnamed-broker');
  const oauthAudience = 'kafka';
  const oauth = await startTestOAuthServer({ clients: options.oauthClients ?? {}, audience: oauthAudience });
  const [plaintext, sasl, controller, ssl, saslSsl, misnamedSsl] = (await freePorts(6)) as [number, number, number, number, number, number];
  const ports: ClusterPorts = { plaintext, sasl, controller, ssl, saslSsl, misnamedSsl };
  const cluster = new KafkaCluster({
    name,
    ports,
    dataRoot,
    users: options.users,
    superUsers: options.superUsers ?? [DEFAULT_USERS.admin.username],
    tls: {
      keystore: broker.keystoreP12,
      keystorePassword: broker.storePassword,
      truststore: broker.truststoreP12,
      truststorePassword: broker.storePassword,
      misnamedKeystore: misnamed.keystoreP12,
      oauth: { jwksUrl: oauth.jwksUrl, audience: oauthAudience },
    },
  });
  const stopAll = async (): Promise<void> => {
    await cluster.stop();
    await oauth.close();
    rmSync(cluster.dir, { recursive: true, force: true });
    rmSync(tlsDir, { recursive: true, force: true });
  };
  let info: ClusterInfo;
  try {
    info = await cluster.start();
    if (options.scramUsers?.length) await upsertScramUsers(info.host, info.ports.plaintext, options.scramUsers);
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
  return {
    info: info as SecureCluster['info'],
    ca,
    clientStores: (cn) => testKeyStores(ca, cn),
    oauth,
    oauthAudience,
    stop: stopAll,
  };
}
