import { isMirrorConfigError } from './errors';
import { JSON_FORMAT_VERSION, fromJson, fromJsonOrThrow, toJson, type MirrorConfigJson } from './json-form';
import { loadMirrorConfig } from './mirror-config-loader';
import type { Problem } from './problems';
import { redactedJson } from './redaction';
import { SAMPLE_MM2_PROPERTIES, SAMPLE_SECRETS, SAMPLE_SOURCES } from './testing/sample-mm2-properties';

describe('JSON form', () => {
  const { config, problems: loaded } = loadMirrorConfig(SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES);
  const keysOf = (problems: readonly Problem[]) => problems.map((p) => p.key).sort();
  const errorsOf = (problems: readonly Problem[]) => problems.filter((p) => p.severity === 'error');

  it('is plain JSON with a format version', () => {
    const json = toJson(config);
    expect(json.formatVersion).toBe(JSON_FORMAT_VERSION);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('round-trips the sample exactly, derived fields included', () => {
    const { config: back, problems } = fromJson(toJson(config));
    expect(errorsOf(problems)).toEqual([]);
    // Every flow of the JSON form carries its inherited values, so the warnings about them repeat per flow.
    expect(keysOf(problems)).toEqual(expect.arrayContaining(keysOf(loaded)));
    expect(back).toEqual(config);
  });

  it('round-trips through a JSON string too (what the control API sends)', () => {
    const text = JSON.stringify(toJson(config));
    expect(fromJsonOrThrow(JSON.parse(text))).toEqual(config);
  });

  it('round-trips configs with overrides, unknown keys, our keys and three clusters', () => {
    const { config: original } = loadMirrorConfig(
      [
        'clusters = A, B, C',
        'bootstrap.servers = shared:9092',
        'security.protocol = SSL',
        'C.bootstrap.servers = c:9092',
        'C.security.protocol = PLAINTEXT',
        'B.exactly.once.source.support = enabled',
        'emit.heartbeats.enabled = false',
        'A->B.enabled = true',
        'B->C.enabled = true',
        'B->C.replication.policy.class = IdentityReplicationPolicy',
        'B->C.consumer.fetch.min.bytes = 1',
        'A->B.source.consumer.auto.offset.reset = latest',
        'C->A.mystery = 1',
        'lease.ttl.ms = 30000',
        'coordinator.home.cluster = C',
        'colour = blue',
      ].join('\n'),
    );
    const { config: back, problems } = fromJson(toJson(original));
    expect(problems.map((p) => p.code)).toEqual(['unknown-key', 'unknown-key']);
    expect(back).toEqual(original);
  });

  it('accepts partial JSON: missing fields inherit, like unset keys', () => {
    const { config: built, problems } = fromJson({
      clusters: {
        A: { bootstrapServers: ['a:1'] },
        B: { bootstrapServers: 'b:1', security: { protocol: 'SASL_SSL', sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' } } },
      },
      topLevel: { 'replication.factor': '3' },
      flows: [{ source: 'A', target: 'B', enabled: true, topics: ['orders.*'], replicationPolicy: { class: 'identity' } }, { name: 'B->A', syncTopicAclsEnabled: false }],
      ours: { leaseTtlMs: 20000 },
    });
    expect(problems).toEqual([]);
    const ab = built.flows.find((f) => f.name === 'A->B')!;
    expect(ab).toEqual(expect.objectContaining({ enabled: true, topics: ['orders.*'], replicationFactor: 3, refreshTopicsIntervalSeconds: 10 }));
    expect(ab.replicationPolicy.class).toBe('identity');
    expect(built.flows.find((f) => f.name === 'B->A')!.syncTopicAclsEnabled).toBe(false);
    expect(built.ours.leaseTtlMs).toBe(20000);
    expect(built.clusters['B']!.security.sasl).toEqual(
      expect.objectContaining({ mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p', jaasConfig: expect.stringContaining('ScramLoginModule') }),
    );
  });

  it('reports JSON shape problems with their path, and semantic ones with the property key', () => {
    const { problems } = fromJson({
      formatVersion: 7,
      clusters: { A: { bootstrapServers: [1, 2] }, B: { bootstrapServers: ['b:1'], consumer: { x: { nested: true } } } },
      flows: [{ source: 'A', target: 'B', enabled: 'maybe', topics: ['('] }, { enabled: true }, { source: 'A', target: 'B', refreshTopicsIntervalSeconds: true }],
    });
    expect(problems.map((p) => [p.code, p.key])).toEqual([
      ['invalid-json', 'formatVersion'],
      ['invalid-json', 'clusters.A.bootstrapServers'],
      ['invalid-json', 'clusters.B.consumer.x'],
      ['invalid-json', 'flows[1]'],
      ['invalid-json', 'flows[2].refreshTopicsIntervalSeconds'],
      ['invalid-value', 'A->B.enabled'],
      ['invalid-regex', 'A->B.topics'],
      ['missing-bootstrap-servers', 'A.bootstrap.servers'],
    ]);
    expect(problems.every((p) => p.line === undefined)).toBe(true);
  });

  it('rejects what is not an object', () => {
    expect(fromJson(null).problems.map((p) => p.code)).toEqual(['invalid-json', 'missing-clusters']);
    let caught: unknown;
    try {
      fromJsonOrThrow([]);
    } catch (error) {
      caught = error;
    }
    expect(isMirrorConfigError(caught, 'CONFIG_JSON_INVALID')).toBe(true);
  });

  it('restores [redacted] values from the previous config', () => {
    const edited = redactedJson(config) as MirrorConfigJson & { flows: Array<Record<string, unknown>> };
    const flows = edited.flows.map((f) => (f['name'] === 'A->B' ? { ...f, topics: ['orders\\..*'] } : f));
    const { config: back, problems } = fromJson({ ...edited, flows }, { previous: config });
    expect(errorsOf(problems)).toEqual([]);
    expect(back.clusters['B']!.security.sasl!.password).toBe(SAMPLE_SECRETS.bPassword);
    expect(back.clusters['B']!.security.ssl!.truststorePassword).toBe(SAMPLE_SECRETS.truststorePassword);
    expect(back.flows.find((f) => f.name === 'A->B')!.topics).toEqual(['orders\\..*']);
    expect(back.provided).toEqual(config.provided);
  });

  it('refuses [redacted] values with nothing to restore them from', () => {
    const { problems } = fromJson(redactedJson(config));
    expect(problems.filter((p) => p.code === 'invalid-json').map((p) => p.key)).toEqual(['B.sasl.jaas.config', 'B.ssl.truststore.password']);
    expect(problems.filter((p) => p.code === 'invalid-json').every((p) => p.severity === 'error')).toBe(true);
  });
});
