/**
 * MM2's security keys, as written in mm2.properties, against a real broker with SSL (mTLS),
 * SASL_SSL (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER) and a listener whose certificate names another
 * host. Every connection is built the way the services build theirs: config → kafkaConnectionFor
 * → createKafkaClient, then used by an admin, a producer and a partition consumer.
 */
import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { createKafkaClient, KafkaAdmin, KafkaProducer, PartitionConsumer, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { eventually, startSecureCluster, uniqueName, type SecureCluster } from '@mirrormaker/testing';
import { kafkaConnectionFor } from './kafka-connection';

jest.setTimeout(120_000);

const logger = createLogger({ service: 'security-int-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });
const SCRAM_256 = { username: 'scram-256-user', password: 'scram-256-secret', mechanism: 'SCRAM-SHA-256' as const };
const SCRAM_512 = { username: 'scram-512-user', password: 'scram-512-secret', mechanism: 'SCRAM-SHA-512' as const };
const OAUTH_CLIENT = { id: 'mirror-client', secret: 'mirror-client-secret' };
const PLAIN_LOGIN = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const OAUTH_LOGIN = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

describe('Kafka security keys against a real broker', () => {
  let secure: SecureCluster;
  const topic = uniqueName('secured');
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    secure = await startSecureCluster({
      name: 'kafka-security',
      scramUsers: [SCRAM_256, SCRAM_512],
      oauthClients: { [OAUTH_CLIENT.id]: OAUTH_CLIENT.secret },
      // Authentication is the subject here; kafka-acls.int.spec.ts covers authorization.
      superUsers: ['admin', 'client-cert', SCRAM_256.username, SCRAM_512.username, OAUTH_CLIENT.id],
    });
    const admin = new KafkaAdmin(client(['A.bootstrap.servers = ' + secure.info.bootstrap]));
    opened.push(admin);
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
  }, 180_000);

  afterAll(async () => {
    for (const c of opened) await c.close().catch(() => undefined);
    await secure?.stop();
  });

  /** A client for cluster A of an mm2.properties made of `lines`, as the services make it. */
  function client(lines: string[], kind?: 'consumer' | 'producer' | 'admin'): KafkaClient {
    const config = loadMirrorConfigOrThrow(['clusters = A, B', 'B.bootstrap.servers = 127.0.0.1:1', 'A->B.enabled = true', ...lines].join('\n'), {
      env: {},
      readFile: () => '',
    });
    const flow = config.flows.find((f) => f.name === 'A->B')!;
    const connection = kafkaConnectionFor(config.clusters.A!, `security-test-${kind ?? 'cluster'}`, kind ? flow.clients.source[kind] : {}, kind);
    return createKafkaClient({ ...connection, connectionTimeoutMs: 5000, retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 500 } }, logger);
  }

  /** Lists topics with an admin, produces one record and reads it back with a partition consumer. */
  async function roundTrip(kafka: KafkaClient): Promise<string> {
    const admin = new KafkaAdmin(kafka);
    opened.push(admin);
    expect(await admin.listTopics()).toContain(topic);
    const producer = new KafkaProducer(kafka);
    opened.push(producer);
    const value = uniqueName('record');
    const offsets = await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from(value) }]);
    const seen: string[] = [];
    const consumer = new PartitionConsumer(kafka, {
      maxWaitTimeMs: 100,
      handler: async (batch) => {
        for (const r of batch.records) seen.push(r.value?.toString('utf8') ?? '');
      },
    });
    opened.push(consumer);
    await consumer.addPartitions([{ topic, partition: 0, offset: offsets.get(0)! }]);
    await eventually('the record read back', () => seen.includes(value));
    await consumer.close();
    return value;
  }

  const bootstrap = (which: 'ssl' | 'saslSsl' | 'misnamed'): string =>
    which === 'ssl' ? secure.info.sslBootstrap : which === 'saslSsl' ? secure.info.saslSslBootstrap : secure.info.misnamedSslBootstrap;

  describe('SSL with a client certificate (mTLS)', () => {
    it('connects with PEM truststore and an encrypted PEM keystore (ssl.key.password)', async () => {
      const stores = secure.clientStores('client-cert');
      await roundTrip(
        client([
          `A.bootstrap.servers = ${bootstrap('ssl')}`,
          'A.security.protocol = SSL',
          'A.ssl.truststore.type = PEM',
          `A.ssl.truststore.location = ${stores.truststorePem}`,
          'A.ssl.keystore.type = PEM',
          `A.ssl.keystore.location = ${stores.keystorePem}`,
          `A.ssl.key.password = ${stores.keyPassword}`,
        ]),
      );
    });

    it('connects with PKCS12 truststore and keystore', async () => {
      const stores = secure.clientStores('client-cert');
      await roundTrip(
        client([
          `A.bootstrap.servers = ${bootstrap('ssl')}`,
          'A.security.protocol = SSL',
          'A.ssl.truststore.type = PKCS12',
          `A.ssl.truststore.location = ${stores.truststoreP12}`,
          `A.ssl.truststore.password = ${stores.storePassword}`,
          'A.ssl.keystore.type = PKCS12',
          `A.ssl.keystore.location = ${stores.keystoreP12}`,
          `A.ssl.keystore.password = ${stores.storePassword}`,
        ]),
      );
    });

    it('connects with JKS truststore and keystore whose key has its own password', async () => {
      const stores = secure.clientStores('client-cert');
      await roundTrip(
        client([
          `A.bootstrap.servers = ${bootstrap('ssl')}`,
          'A.security.protocol = SSL',
          'A.ssl.truststore.type = JKS',
          `A.ssl.truststore.location = ${stores.truststoreJks}`,
          `A.ssl.truststore.password = ${stores.storePassword}`,
          'A.ssl.keystore.type = JKS',
          `A.ssl.keystore.location = ${stores.keystoreJks}`,
          `A.ssl.keystore.password = ${stores.storePassword}`,
          `A.ssl.key.password = ${stores.keyPassword}`,
        ]),
      );
    });

    it('is refused without a client certificate', async () => {
      const stores = secure.clientStores('client-cert');
      const admin = new KafkaAdmin(client([`A.bootstrap.servers = ${bootstrap('ssl')}`, 'A.security.protocol = SSL', `A.ssl.truststore.location = ${stores.truststorePem}`]));
      opened.push(admin);
      await expect(admin.listTopics()).rejects.toThrow();
    });
  });

  describe('ssl.endpoint.identification.algorithm', () => {
    const lines = (algorithm: string | undefined): string[] => {
      const stores = secure.clientStores('client-cert');
      return [
        `A.bootstrap.servers = ${bootstrap('misnamed')}`,
        'A.security.protocol = SSL',
        `A.ssl.truststore.location = ${stores.truststoreJks}`,
        `A.ssl.truststore.password = ${stores.storePassword}`,
        ...(algorithm === undefined ? [] : [`A.ssl.endpoint.identification.algorithm = ${algorithm}`]),
      ];
    };

    it.each([['https'], [undefined]])('refuses a broker certificate for another host with the algorithm %p', async (algorithm) => {
      const admin = new KafkaAdmin(client(lines(algorithm)));
      opened.push(admin);
      await expect(admin.listTopics()).rejects.toThrow(/127\.0\.0\.1|altnames|host/i);
    });

    it('accepts it when empty, as Java clients do', async () => {
      const admin = new KafkaAdmin(client(lines('')));
      opened.push(admin);
      expect(await admin.listTopics()).toContain(topic);
    });
  });

  describe('SASL_SSL', () => {
    const tls = (): string[] => [
      `A.bootstrap.servers = ${bootstrap('saslSsl')}`,
      'A.security.protocol = SASL_SSL',
      `A.ssl.truststore.location = ${secure.clientStores('client-cert').truststoreP12}`,
      `A.ssl.truststore.password = ${secure.clientStores('client-cert').storePassword}`,
    ];

    it('connects with PLAIN', async () => {
      const { username, password } = secure.info.users.admin!;
      await roundTrip(client([...tls(), 'A.sasl.mechanism = PLAIN', `A.sasl.jaas.config = ${PLAIN_LOGIN} required username="${username}" password="${password}";`]));
    });

    it.each([SCRAM_256, SCRAM_512])('connects with $mechanism users created through the admin API', async (user) => {
      const lines = [...tls(), `A.sasl.mechanism = ${user.mechanism}`, `A.sasl.jaas.config = ${SCRAM_LOGIN} required username="${user.username}" password="${user.password}";`];
      await roundTrip(client(lines));
    });

    it('refuses a wrong SCRAM password', async () => {
      const admin = new KafkaAdmin(
        client([...tls(), 'A.sasl.mechanism = SCRAM-SHA-256', `A.sasl.jaas.config = ${SCRAM_LOGIN} required username="${SCRAM_256.username}" password="wrong";`]),
      );
      opened.push(admin);
      await expect(admin.listTopics()).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    });

    it('connects with OAUTHBEARER tokens from the client-credentials endpoint, reusing one token', async () => {
      const before = secure.oauth.issued(OAUTH_CLIENT.id);
      await roundTrip(
        client([
          ...tls(),
          'A.sasl.mechanism = OAUTHBEARER',
          `A.sasl.oauthbearer.token.endpoint.url = ${secure.oauth.tokenUrl}`,
          `A.sasl.jaas.config = ${OAUTH_LOGIN} required clientId="${OAUTH_CLIENT.id}" clientSecret="${OAUTH_CLIENT.secret}" scope="kafka";`,
        ]),
      );
      expect(secure.oauth.issued(OAUTH_CLIENT.id) - before).toBe(1);
    });

    it('reports a refused OAuth client without its secret', async () => {
      const admin = new KafkaAdmin(
        client([
          ...tls(),
          'A.sasl.mechanism = OAUTHBEARER',
          `A.sasl.oauthbearer.token.endpoint.url = ${secure.oauth.tokenUrl}`,
          `A.sasl.jaas.config = ${OAUTH_LOGIN} required clientId="${OAUTH_CLIENT.id}" clientSecret="not-the-secret";`,
        ]),
      );
      opened.push(admin);
      const error = await admin.listTopics().then(
        () => undefined,
        (err: Error) => err,
      );
      expect(error?.message).toMatch(/HTTP 401/);
      expect(error?.message).not.toContain('not-the-secret');
    });
  });

  describe('per-client overrides', () => {
    it('gives the consumer its own credentials (<alias>.consumer.*) while the cluster keys fail', async () => {
      const stores = secure.clientStores('client-cert');
      const lines = [
        `A.bootstrap.servers = ${bootstrap('saslSsl')}`,
        'A.security.protocol = SASL_SSL',
        `A.ssl.truststore.location = ${stores.truststoreJks}`,
        `A.ssl.truststore.password = ${stores.storePassword}`,
        'A.sasl.mechanism = SCRAM-SHA-512',
        `A.sasl.jaas.config = ${SCRAM_LOGIN} required username="${SCRAM_512.username}" password="wrong";`,
        `A.consumer.sasl.jaas.config = ${SCRAM_LOGIN} required username="${SCRAM_512.username}" password="${SCRAM_512.password}";`,
      ];
      await roundTrip(client(lines, 'consumer'));
      const admin = new KafkaAdmin(client(lines, 'admin'));
      opened.push(admin);
      await expect(admin.listTopics()).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    });
  });
});
