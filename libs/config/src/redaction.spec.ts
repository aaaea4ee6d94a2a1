import { toJson } from './json-form';
import { loadMirrorConfig } from './mirror-config-loader';
import { REDACTED, isSensitiveKey, redact, redactProperties, redactedJson } from './redaction';
import { SAMPLE_MM2_PROPERTIES, SAMPLE_SECRETS, SAMPLE_SOURCES } from './testing/sample-mm2-properties';

describe('redaction', () => {
  const { config } = loadMirrorConfig(SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES);

  it('recognises sensitive key names anywhere in a key', () => {
    for (const key of [
      'sasl.jaas.config',
      'B.consumer.sasl.jaas.config',
      'ssl.key.password',
      'A->B.producer.override.ssl.truststore.password',
      'ssl.keystore.key',
      'basic.auth.client.secret',
      'A.basic.auth.user.info',
      'SECRET_TOKEN',
    ]) {
      expect(isSensitiveKey(key)).toBe(true);
    }
    for (const key of ['sasl.mechanism', 'ssl.truststore.location', 'bootstrap.servers', 'ssl.truststore.certificates']) {
      expect(isSensitiveKey(key)).toBe(false);
    }
  });

  it('leaves no secret anywhere in the redacted JSON', () => {
    const json = JSON.stringify(redactedJson(config));
    expect(json).not.toContain(SAMPLE_SECRETS.bPassword);
    expect(json).not.toContain(SAMPLE_SECRETS.truststorePassword);
    expect(json).toContain(REDACTED);
    expect(JSON.stringify(toJson(config))).toContain(SAMPLE_SECRETS.bPassword);
  });

  it('hides SASL credentials and SSL passwords but keeps what identifies the setup', () => {
    const b = redact(config).clusters['B']!;
    expect(b.security).toEqual({
      protocol: 'SASL_SSL',
      // The whole JAAS line came through a provider, so its username is hidden too.
      sasl: { mechanism: 'SCRAM-SHA-512', username: REDACTED, password: REDACTED, jaasConfig: REDACTED },
      ssl: { truststoreLocation: '/etc/mm2/b-truststore.p12', truststoreType: 'PKCS12', truststorePassword: REDACTED },
    });
    expect(b.bootstrapServers).toEqual(['b-1.example.net:9096', 'b-2.example.net:9096']);
    const flow = redact(config).flows.find((f) => f.name === 'A->B')!;
    expect(flow.clients.target.producer['sasl.jaas.config']).toBe(REDACTED);
    expect(flow.clients.target.producer['ssl.truststore.location']).toBe('/etc/mm2/b-truststore.p12');
    expect(flow.raw['target.cluster.ssl.truststore.password']).toBe(REDACTED);
  });

  it('keeps provider references, which name where a secret lives', () => {
    expect(redact(config).provided['B.ssl.truststore.password']).toBe('${env:B_TRUSTSTORE_PASSWORD}');
    // The JAAS reference text also holds literal text, which could be a secret of its own.
    expect(redact(config).provided['B.sasl.jaas.config']).toBe(REDACTED);
  });

  it('hides any value that came from a provider, even under a harmless key name', () => {
    const loaded = loadMirrorConfig(
      [
        'clusters = A, B',
        'A.bootstrap.servers = ${env:A_SERVERS}',
        'B.bootstrap.servers = b:1',
        'B.security.protocol = SASL_SSL',
        'B.sasl.mechanism = PLAIN',
        'B.sasl.jaas.config = ${env:B_JAAS}',
        'A->B.consumer.client.rack = ${env:RACK}',
        'custom.token.thing = ${env:RACK}',
      ].join('\n'),
      { env: { A_SERVERS: 'hidden-a:9092', RACK: 'rack-7', B_JAAS: 'x.PlainLoginModule required username="who" password="pw";' } },
    ).config;
    const redacted = redact(loaded);
    expect(redacted.clusters['A']!.bootstrapServers).toEqual([REDACTED]);
    expect(redacted.clusters['B']!.security.sasl!.username).toBe(REDACTED);
    expect(redacted.flows[0]!.clients.source.consumer['client.rack']).toBe(REDACTED);
    expect(redacted.unknownKeys['custom.token.thing']).toBe(REDACTED);
    const json = JSON.stringify(redactedJson(loaded));
    for (const secret of ['hidden-a', 'rack-7', 'pw";', '"who"']) expect(json).not.toContain(secret);
  });

  it('redacts a client property map before logging', () => {
    const props = { 'bootstrap.servers': 'b:1', 'sasl.jaas.config': 'x', 'client.rack': 'rack-7', 'ssl.key.password': 'k' };
    expect(redactProperties(props)).toEqual({ 'bootstrap.servers': 'b:1', 'sasl.jaas.config': REDACTED, 'client.rack': 'rack-7', 'ssl.key.password': REDACTED });
    const withProvided = loadMirrorConfig('clusters=A\nA.bootstrap.servers=a:1\nA.client.rack=${env:R}', { env: { R: 'rack-7' } }).config;
    expect(redactProperties(props, withProvided)['client.rack']).toBe(REDACTED);
  });

  it('shows the username of a JAAS line written in the file', () => {
    const plain = loadMirrorConfig(
      'clusters=A\nA.bootstrap.servers=a:1\nA.security.protocol=SASL_SSL\nA.sasl.mechanism=PLAIN\nA.sasl.jaas.config=x.PlainLoginModule required username="ops" password="pw";',
    ).config;
    expect(redact(plain).clusters['A']!.security.sasl).toEqual({ mechanism: 'PLAIN', username: 'ops', password: REDACTED, jaasConfig: REDACTED });
  });

  it('does not change the original model', () => {
    redact(config);
    expect(config.clusters['B']!.security.sasl!.password).toBe(SAMPLE_SECRETS.bPassword);
  });
});
