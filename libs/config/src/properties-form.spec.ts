import { loadMirrorConfig } from './mirror-config-loader';
import { toProperties } from './properties-form';
import { SAMPLE_MM2_PROPERTIES, SAMPLE_SECRETS, SAMPLE_SOURCES } from './testing/sample-mm2-properties';

describe('toProperties', () => {
  const { config, problems } = loadMirrorConfig(SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES);

  it('writes text that loads back into the same model', () => {
    const text = toProperties(config);
    const back = loadMirrorConfig(text, SAMPLE_SOURCES);
    expect(back.problems.map((p) => p.key).sort()).toEqual(problems.map((p) => p.key).sort());
    expect(back.config).toEqual(config);
  });

  it('writes provider references instead of secrets by default', () => {
    const text = toProperties(config);
    expect(text).not.toContain(SAMPLE_SECRETS.bPassword);
    expect(text).not.toContain(SAMPLE_SECRETS.truststorePassword);
    expect(text).toContain('B.ssl.truststore.password=${env:B_TRUSTSTORE_PASSWORD}');
    expect(toProperties(config, { references: false })).toContain(SAMPLE_SECRETS.truststorePassword);
  });

  it('writes only what differs from inherited values, in sections', () => {
    const text = toProperties(config);
    expect(text).toContain('# Flow A->B\nA->B.enabled=true\n');
    expect(text).toContain('A->B.topics=orders\\\\..*,payments\\\\..*,customers');
    expect(text).not.toContain('B->A.');
    expect(text).not.toContain('A->B.replication.factor');
    expect(text).toContain('refresh.topics.interval.seconds=30');
  });

  it('keeps a minimal config minimal', () => {
    const { config: small } = loadMirrorConfig('clusters = A, B\nA.bootstrap.servers=a:1\nB.bootstrap.servers=b:1\nA->B.enabled=true');
    expect(toProperties(small)).toBe(
      ['# Clusters and top-level defaults', 'clusters=A, B', '', '# Cluster A', 'A.bootstrap.servers=a:1', '', '# Cluster B', 'B.bootstrap.servers=b:1', '', '# Flow A->B', 'A->B.enabled=true', ''].join(
        '\n',
      ),
    );
  });
});
