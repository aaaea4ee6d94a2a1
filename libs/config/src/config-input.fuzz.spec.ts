import { forEachSeed, mutateText, randomText, type SeededRandom } from '@mirrormaker/lease/testing';
import { isMirrorConfigError } from './errors';
import { FLOW_SETTINGS } from './flow-settings';
import { formatProperties, parseProperties } from './java-properties';
import { fromJson, fromJsonOrThrow, toJson } from './json-form';
import { loadMirrorConfig, loadMirrorConfigOrThrow } from './mirror-config-loader';
import { OUR_SETTINGS } from './our-settings';
import { hasErrors } from './problems';
import { toProperties } from './properties-form';
import { SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES } from './testing/sample-mm2-properties';

// mm2.properties and its JSON form come from operators and the control API: whatever the text, the
// loaders answer with a config and a list of problems (or MirrorConfigError), never another
// exception and never a hang.

const SPECIAL = '=:\\ \t#!\n\r${}->,.*"\'';
const KEY_TAILS = [
  ...Object.values(FLOW_SETTINGS).map((s) => s.key),
  ...Object.values(OUR_SETTINGS).map((s) => (s as { key: string }).key),
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.password',
  'consumer.max.poll.records',
  'producer.compression.type',
  'admin.request.timeout.ms',
  'replication.policy.class',
  'replication.policy.separator',
  'config.providers',
  'config.providers.file.class',
  'tasks.max',
];
const VALUES = ['true', 'false', '', '-1', '0', '1', '2147483648', '9'.repeat(40), '1e3', 'NaN', '.*', '(', '[a-', 'A, B', ',,,', '${env:X}', '${file:/nope:k}', '${', '${env:}', 'PLAINTEXT', 'SASL_SSL', 'SCRAM-SHA-512', 'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";'];

function randomConfigText(rnd: SeededRandom): string {
  const aliases = ['A', 'B', 'C', '', 'A->B', 'a b'].slice(0, rnd.int(1, 6));
  const lines = [`clusters = ${aliases.filter(() => rnd.chance(0.8)).join(rnd.pick([', ', ',', ' ']))}`];
  for (let i = rnd.int(0, 30); i > 0; i--) {
    const scope = rnd.pick(['', `${rnd.pick(aliases)}.`, `${rnd.pick(aliases)}->${rnd.pick(aliases)}.`]);
    const key = rnd.chance(0.9) ? scope + rnd.pick(KEY_TAILS) : randomText(rnd, rnd.int(0, 20), SPECIAL);
    const value = rnd.chance(0.7) ? rnd.pick(VALUES) : randomText(rnd, rnd.int(0, 30), SPECIAL);
    lines.push(`${key}${rnd.pick([' = ', '=', ':', ' '])}${value}`);
  }
  return lines.join(rnd.pick(['\n', '\r\n', '\r']));
}

function expectOnlyConfigErrors(what: string, load: () => unknown): void {
  try {
    load();
  } catch (err) {
    if (!isMirrorConfigError(err)) throw new Error(`${what}: threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    expect(err.message).toMatch(/configuration error\(s\):\n/);
  }
}

describe('config input under bad input', () => {
  it('properties: any keys and values written by formatProperties read back exactly', () => {
    forEachSeed(1, 3000, (rnd) => {
      const entries = Array.from({ length: rnd.int(0, 6) }, () => ({
        key: randomText(rnd, rnd.int(0, 12), SPECIAL),
        value: randomText(rnd, rnd.int(0, 24), SPECIAL),
      }));
      const parsed = parseProperties(formatProperties(entries));
      expect(parsed.problems).toEqual([]);
      expect(parsed.entries.map(({ key, value }) => ({ key, value }))).toEqual(entries);
    });
  });

  it('mm2.properties: random and mutated files load to a config and problems with a message and a hint', () => {
    forEachSeed(10_001, 800, (rnd) => {
      const text = rnd.chance(0.5) ? randomConfigText(rnd) : mutateText(rnd, SAMPLE_MM2_PROPERTIES, SPECIAL);
      const { config, problems } = loadMirrorConfig(text, SAMPLE_SOURCES);
      expect(config).toBeDefined();
      for (const p of problems) {
        if (typeof p.message !== 'string' || p.message === '' || typeof p.hint !== 'string') throw new Error(`problem without message or hint: ${JSON.stringify(p)}`);
      }
      expectOnlyConfigErrors('loadMirrorConfigOrThrow', () => loadMirrorConfigOrThrow(text, SAMPLE_SOURCES));
      if (!hasErrors(problems)) {
        // What we accepted, written back as properties, loads again without errors.
        const again = loadMirrorConfig(toProperties(config), SAMPLE_SOURCES);
        expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
      }
    });
  });

  it('JSON form: random and mutated documents load to a config and problems, or MirrorConfigError', () => {
    const valid: unknown = toJson(loadMirrorConfig(SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES).config);
    const validText = JSON.stringify(valid);
    forEachSeed(20_001, 800, (rnd) => {
      let json: unknown;
      try {
        json = JSON.parse(mutateText(rnd, validText, '{}[]":,0123456789truefalsenull'));
      } catch {
        json = rnd.pick<unknown>([null, 0, 'x', [], {}, { version: 1 }, { clusters: 'A' }, { clusters: { A: null } }, { flows: [1, 'x', null] }, valid]);
      }
      expectOnlyConfigErrors('fromJsonOrThrow', () => fromJsonOrThrow(json));
      expect(fromJson(json).config).toBeDefined();
    });
  });
});
