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

  it('refuses a JKS truststore with a message saying to convert it to PEM', () => {
    const config = load(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:9093',
        'B.bootstrap.servers = b:9092',
        'A.security.protocol = SSL',
        'A.ssl.truststore.type = JKS',
        'A.ssl.truststore.location = /etc/kafka/truststore.jks',
      ].join('\n'),
    );
    expect(() => kafkaConnectionFor(config.clusters.A, 'x')).toThrow(/truststore type JKS is not supported; convert it to PEM/);
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
});
