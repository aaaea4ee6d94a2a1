import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { kafkaConnectionFor } from './kafka-connection';

const load = (text: string) => loadMirrorConfigOrThrow(text, { env: {}, readFile: () => '' });

describe('kafkaConnectionFor', () => {
  it('maps a PLAINTEXT cluster to its bootstrap servers', () => {
    const config = load('clusters = A, B\nA.bootstrap.servers = a1:9092, a2:9092\nB.bootstrap.servers = b:9092\n');
    expect(kafkaConnectionFor(config.clusters.A, 'A->B|data-mirror')).toEqual({
      clusterAlias: 'A',
      brokers: ['a1:9092', 'a2:9092'],
      clientId: 'A->B|data-mirror',
      security: { protocol: 'PLAINTEXT' },
    });
  });

  it('takes SASL PLAIN credentials from the JAAS line as MM2 users write them', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SASL_PLAINTEXT',
        'A.sasl.mechanism = PLAIN',
        'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";',
      ].join('\n'),
    );
    expect(kafkaConnectionFor(config.clusters.A, 'x').security).toEqual({
      protocol: 'SASL_PLAINTEXT',
      sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
    });
  });

  it('names the cluster and key when a truststore cannot be read', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SSL',
        'A.ssl.truststore.type = JKS',
        'A.ssl.truststore.location = /nonexistent/truststore.jks',
      ].join('\n'),
    );
    expect(() => kafkaConnectionFor(config.clusters.A, 'x')).toThrow('cluster A: cannot read A.ssl.truststore.location /nonexistent/truststore.jks: ENOENT');
  });

  it('gives a client kind its own credentials from <alias>.<kind>.* keys', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SASL_PLAINTEXT',
        'A.sasl.mechanism = PLAIN',
        'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";',
        'A.consumer.sasl.mechanism = SCRAM-SHA-512',
        'A.consumer.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="reader" password="reader-secret";',
        'A->B.enabled = true',
      ].join('\n'),
    );
    const flow = config.flows.find((f) => f.name === 'A->B')!;
    expect(kafkaConnectionFor(config.clusters.A, 'x', flow.clients.source.consumer, 'consumer').security?.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'reader',
      password: 'reader-secret',
    });
    expect(kafkaConnectionFor(config.clusters.A, 'x', flow.clients.source.admin, 'admin').security?.sasl).toEqual({
      mechanism: 'plain',
      username: 'alice',
      password: 'alice-secret',
    });
  });

  it('takes OAUTHBEARER client credentials from the token endpoint key and the JAAS line', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SASL_PLAINTEXT',
        'A.sasl.mechanism = OAUTHBEARER',
        'A.sasl.oauthbearer.token.endpoint.url = https://idp.example/token',
        'A.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="mirror" clientSecret="s3cret" scope="kafka";',
      ].join('\n'),
    );
    expect(kafkaConnectionFor(config.clusters.A, 'x').security?.sasl).toEqual({
      mechanism: 'oauthbearer',
      oauth: { tokenEndpointUrl: 'https://idp.example/token', clientId: 'mirror', clientSecret: 's3cret', scope: 'kafka' },
    });
  });

  it('turns the host name check off only for an empty endpoint identification algorithm', () => {
    const lines = ['clusters = A, B', 'A.bootstrap.servers = a:9093', 'B.bootstrap.servers = b:9092', 'A.security.protocol = SSL'];
    expect(kafkaConnectionFor(load([...lines, 'A.ssl.endpoint.identification.algorithm ='].join('\n')).clusters.A, 'x').security?.ssl).toEqual({
      rejectUnauthorized: true,
      verifyHostname: false,
    });
    expect(kafkaConnectionFor(load([...lines, 'A.ssl.endpoint.identification.algorithm = https'].join('\n')).clusters.A, 'x').security?.ssl).toEqual({
      rejectUnauthorized: true,
    });
  });

  it('uses inline PEM certificates', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SSL',
        'A.ssl.truststore.type = PEM',
        'A.ssl.truststore.certificates = -----BEGIN CERTIFICATE-----abc-----END CERTIFICATE-----',
      ].join('\n'),
    );
    expect(kafkaConnectionFor(config.clusters.A, 'x').security?.ssl).toEqual({
      ca: '-----BEGIN CERTIFICATE-----abc-----END CERTIFICATE-----',
      rejectUnauthorized: true,
    });
  });

  it('limits TLS versions as ssl.enabled.protocols and ssl.protocol do in Java', () => {
    const lines = ['clusters = A, B', 'A.bootstrap.servers = a:9093', 'B.bootstrap.servers = b:9092', 'A.security.protocol = SSL'];
    const ssl = (...extra: string[]) => kafkaConnectionFor(load([...lines, ...extra].join('\n')).clusters.A, 'x').security?.ssl;
    expect(ssl('A.ssl.enabled.protocols = TLSv1.3')).toMatchObject({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    expect(ssl('A.ssl.protocol = TLSv1.2')).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    expect(ssl()).not.toHaveProperty('minVersion');
    expect(() => ssl('A.ssl.enabled.protocols = SSLv3')).toThrow('cluster A: A.ssl.enabled.protocols names SSLv3; use TLSv1, TLSv1.1, TLSv1.2, TLSv1.3');
  });
});
