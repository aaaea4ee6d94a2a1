import { forEachSeed, mutateText, type SeededRandom } from '@mirrormaker/lease/testing';
import { findFlow } from './flow-accessors';
import { loadMirrorConfig } from './mirror-config-loader';
import { redact, redactedJson, redactProperties } from './redaction';

// Secrets written inline, behind ${env:...} or behind ${file:...}, in well-formed and mangled
// configs: none may show up in what we log or answer (problems, the redacted model and JSON, a
// flow's settings as GetFlow returns them).

const SECRET_KEYS = [
  'B.ssl.truststore.password',
  'B.ssl.keystore.password',
  'B.ssl.key.password',
  'A.consumer.ssl.key.password',
  'A->B.producer.override.sasl.jaas.config',
  'B.sasl.jaas.config',
  'A->B.some.unknown.secret',
  'B.basic.auth.user.info',
];
const JAAS = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2" password="';

function secretFor(rnd: SeededRandom, seed: number): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = `S3cr${seed}`;
  for (let i = 0; i < 12; i++) out += alphabet[rnd.int(0, alphabet.length - 1)];
  return out;
}

describe('secrets in configs under bad input', () => {
  it('never appear in problems, the redacted model, its JSON or a flow\'s settings', () => {
    forEachSeed(1, 1500, (rnd, seed) => {
      const secret = secretFor(rnd, seed);
      const key = rnd.pick(SECRET_KEYS);
      const where = rnd.pick(['inline', 'env', 'file'] as const);
      const reference = where === 'env' ? '${env:MM_SECRET}' : where === 'file' ? '${file:/etc/mm2/secrets.properties:pw}' : secret;
      let value = key.endsWith('jaas.config') ? `${JAAS}${reference}";` : reference;
      if (rnd.chance(0.4)) value = mutateText(rnd, value, '"=;\\ ${}');
      const lines = [
        'clusters = A, B',
        'A.bootstrap.servers = a:9092',
        'B.bootstrap.servers = b:9092',
        rnd.pick(['B.security.protocol = SASL_SSL', 'B.security.protocol = SSL', 'B.security.protocol = nonsense', '']),
        rnd.pick(['B.sasl.mechanism = SCRAM-SHA-512', 'B.sasl.mechanism = PLAIN', 'B.sasl.mechanism = ???', '']),
        'A->B.enabled = true',
      ];
      // The rest of the file mangled, the secret's own key intact (a mangled key no longer says
      // that its value is a secret).
      const rest = rnd.chance(0.3) ? mutateText(rnd, lines.join('\n'), '=:\\\n ') : lines.join('\n');
      // A blank line ends a continuation the mangled text may have left open.
      const text = [rest, '', `${key} = ${value}`, rnd.chance(0.3) ? `${key}.copy = ${value}` : ''].join('\n');
      if (!text.includes(secret) && where === 'inline') return;
      const { config, problems } = loadMirrorConfig(text, {
        env: { MM_SECRET: secret },
        readFile: () => `pw = ${secret}\n`,
      });
      const shown: Array<[string, string]> = [
        ...problems.map((p): [string, string] => [`problem ${p.code} on ${p.key ?? ''}`, `${p.message}\n${p.hint}`]),
        ['redact()', JSON.stringify(redact(config))],
        ['redactedJson()', JSON.stringify(redactedJson(config))],
      ];
      const flow = findFlow(config, 'A->B');
      if (flow) shown.push(['GetFlow settings', JSON.stringify(redactProperties(flow.raw, config))]);
      for (const [what, out] of shown) {
        if (out.includes(secret)) throw new Error(`${where} secret under ${key} = ${JSON.stringify(value)} shows in ${what}: ${out.slice(out.indexOf(secret) - 300, out.indexOf(secret) + 50)}`);
      }
    });
  });
});
