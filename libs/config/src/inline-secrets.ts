import { fileProviderName, hasReference, replaceReferences } from './config-providers';
import { parseJaasConfig } from './jaas-config';
import { parseProperties, replacePropertyValues } from './java-properties';
import type { Problem } from './problems';
import { isSensitiveKey } from './redaction';

/**
 * A key that redaction hides (a password, a JAAS line, a private key, a `*secret*`) whose value, as
 * written, holds secret text itself instead of only `${provider:…}` references to it.
 */
export interface InlineSecret {
  readonly key: string;
  readonly line: number;
  /** The value holds references as well, so it cannot be swapped for one reference as a whole. */
  readonly mixed: boolean;
}

const JAAS_KEY = /(^|\.)sasl\.jaas\.config$/i;
/** JAAS options that carry the secret; a username next to a referenced password is no secret. */
const JAAS_SECRET_OPTION = /password|secret|token/i;

const onlyReferences = (value: string): boolean => replaceReferences(value, '').trim() === '';

function holdsInlineSecret(key: string, value: string): boolean {
  if (value.trim() === '') return false;
  if (JAAS_KEY.test(key)) {
    const parsed = parseJaasConfig(value);
    if (parsed.ok) {
      return Object.entries(parsed.jaas.options).some(([option, v]) => JAAS_SECRET_OPTION.test(option) && v !== '' && !onlyReferences(v));
    }
  }
  return !onlyReferences(value);
}

/** Every pair of a properties text that holds a secret in clear text, in file order. */
export function findInlineSecrets(text: string): InlineSecret[] {
  return parseProperties(text)
    .entries.filter((e) => isSensitiveKey(e.key) && holdsInlineSecret(e.key, e.value))
    .map((e) => ({ key: e.key, line: e.line, mixed: hasReference(e.value) }));
}

function referenceHint(key: string): string {
  const jaas = JAAS_KEY.test(key) ? `, or inside the JAAS line password="\${file:/path/to/secrets.properties:password}"` : '';
  return (
    `keep the secret in a file or environment variable and refer to it: ${key}=\${file:/path/to/secrets.properties:${key}}` +
    ` (in a directory allowed with --config-provider-dir) or ${key}=\${env:NAME}${jaas}`
  );
}

/**
 * Refuses secrets written in clear text: configs are stored as written in the coordinator's config
 * topic, where everyone who may read that topic would see them.
 */
export function inlineSecretProblems(text: string): Problem[] {
  return findInlineSecrets(text).map(({ key, line }) => ({
    severity: 'error',
    code: 'inline-secret',
    line,
    key,
    message: `${key} holds a secret in clear text; configs are stored as written in the config topic, so secrets must be provider references`,
    hint: referenceHint(key),
  }));
}

export interface SecretsReferred {
  /** The text with each inline secret replaced by a reference to the same key in the file. */
  readonly text: string;
  /** Keys whose value was replaced. */
  readonly moved: string[];
  /** Secrets that cannot be replaced that way (errors). */
  readonly problems: Problem[];
}

/**
 * The text of a config file to store: every inline secret becomes `${file:<file>:<key>}`, a
 * reference to the very pair it was read from, so the secret stays in the file and is read again
 * from there whenever the stored text is loaded.
 */
export function referInlineSecretsTo(text: string, file: string): SecretsReferred {
  const secrets = findInlineSecrets(text);
  if (secrets.length === 0) return { text, moved: [], problems: [] };
  const provider = fileProviderName(parseProperties(text).entries);
  const problems: Problem[] = [];
  const values = new Map<number, string>();
  for (const { key, line, mixed } of secrets) {
    const cannot = (why: string, hint: string) =>
      problems.push({ severity: 'error', code: 'inline-secret', line, key, message: `${key} holds a secret in clear text and ${why}`, hint });
    if (mixed) cannot('provider references in one value, so it cannot be stored as a reference to this file', referenceHint(key));
    else if (/[:}]/.test(file) || key.includes('}')) cannot(`cannot be referred to as \${file:${file}:${key}}`, referenceHint(key));
    else if (provider === undefined) {
      cannot(
        'config.providers declares no FileConfigProvider through which the stored config could refer to it',
        `declare one (config.providers.<name>.class=org.apache.kafka.common.config.provider.FileConfigProvider) or ${referenceHint(key)}`,
      );
    } else values.set(line, `\${${provider}:${file}:${key}}`);
  }
  return { text: replacePropertyValues(text, values), moved: secrets.filter((s) => values.has(s.line)).map((s) => s.key), problems };
}
