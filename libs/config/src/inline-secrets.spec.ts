import { findInlineSecrets, inlineSecretProblems, referInlineSecretsTo } from './inline-secrets';
import { loadMirrorConfig } from './mirror-config-loader';

const lines = (...l: string[]) => [...l, ''].join('\n');

describe('inline secrets', () => {
  it('finds clear-text values under every key redaction hides, and nothing else', () => {
    const text = lines(
      'clusters = A, B',
      'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ss";',
      'A.ssl.key.password = k3y',
      'B.consumer.ssl.keystore.password = ks',
      'B->A.producer.ssl.truststore.password = ts',
      'A.basic.auth.user.info = user:pw',
      'sasl.oauthbearer.client.credentials.client.secret = s3',
      'A.ssl.truststore.location = /etc/kafka/truststore.jks',
      'A.sasl.mechanism = PLAIN',
      'B.ssl.key.password =',
    );
    expect(findInlineSecrets(text).map((s) => s.key)).toEqual([
      'A.sasl.jaas.config',
      'A.ssl.key.password',
      'B.consumer.ssl.keystore.password',
      'B->A.producer.ssl.truststore.password',
      'A.basic.auth.user.info',
      'sasl.oauthbearer.client.credentials.client.secret',
    ]);
  });

  it('accepts provider references, also a JAAS line whose password is one', () => {
    const text = lines(
      'A.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="mirror" password="${file:/run/secrets/kafka.properties:password}";',
      'A.ssl.key.password = ${env:KEY_PASSWORD}',
      'B.sasl.jaas.config = ${file:/run/secrets/kafka.properties:jaas}',
    );
    expect(findInlineSecrets(text)).toEqual([]);
  });

  it('names each key, where it is and how to refer to the secret instead', () => {
    const problems = inlineSecretProblems(lines('clusters = A', 'A.ssl.key.password = k3y'));
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'inline-secret', line: 2, key: 'A.ssl.key.password' }),
    ]);
    expect(problems[0]!.hint).toContain('A.ssl.key.password=${file:/path/to/secrets.properties:A.ssl.key.password}');
    expect(problems[0]!.hint).toContain('--config-provider-dir');
    expect(problems[0]!.hint).toContain('${env:');
  });

  it('stores a file with its secrets as references back to the same keys of that file', () => {
    const file = lines(
      '# the cluster',
      'clusters = A, B',
      'A.bootstrap.servers = a:9092',
      'B.bootstrap.servers = b:9092',
      'A.security.protocol = SASL_PLAINTEXT',
      'A.sasl.mechanism = PLAIN',
      'A.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required \\',
      '    username="u" password="p4ss";',
      'B.ssl.key.password = k3y',
    );
    const referred = referInlineSecretsTo(file, '/etc/mm/mm2.properties');
    expect(referred.problems).toEqual([]);
    expect(referred.moved).toEqual(['A.sasl.jaas.config', 'B.ssl.key.password']);
    expect(referred.text).not.toContain('p4ss');
    expect(referred.text).not.toContain('k3y');
    expect(referred.text).toContain('# the cluster');
    expect(findInlineSecrets(referred.text)).toEqual([]);

    const stored = loadMirrorConfig(referred.text, { readFile: (path) => (path === '/etc/mm/mm2.properties' ? file : '') });
    const direct = loadMirrorConfig(file);
    expect(stored.config.clusters.A!.security).toEqual(direct.config.clusters.A!.security);
    expect(stored.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('refuses what cannot become one reference: mixed values, no file provider', () => {
    const mixed = referInlineSecretsTo(lines('A.ssl.key.password = ${env:PREFIX}-k3y'), '/etc/mm/mm2.properties');
    expect(mixed.problems.map((p) => p.key)).toEqual(['A.ssl.key.password']);
    expect(mixed.problems[0]!.message).toContain('provider references');

    const noFileProvider = referInlineSecretsTo(
      lines('config.providers = env', 'config.providers.env.class = EnvVarConfigProvider', 'A.ssl.key.password = k3y'),
      '/etc/mm/mm2.properties',
    );
    expect(noFileProvider.problems[0]!.message).toContain('no FileConfigProvider');
  });

  it('uses the name of the declared FileConfigProvider', () => {
    const referred = referInlineSecretsTo(
      lines('config.providers = secrets', 'config.providers.secrets.class = FileConfigProvider', 'A.ssl.key.password = k3y'),
      '/etc/mm/mm2.properties',
    );
    expect(referred.text).toContain('A.ssl.key.password=${secrets:/etc/mm/mm2.properties:A.ssl.key.password}');
  });
});
