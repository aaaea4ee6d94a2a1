/** A `sasl.jaas.config` value: one login module, its control flag and its options. */
export interface JaasConfig {
  readonly loginModule: string;
  readonly controlFlag: string;
  readonly options: Readonly<Record<string, string>>;
}

export type JaasParse = { readonly ok: true; readonly jaas: JaasConfig } | { readonly ok: false; readonly reason: string };

const CONTROL_FLAGS = ['required', 'requisite', 'sufficient', 'optional'];

/**
 * Reads `<LoginModule> <flag> key=value ... ;` as Kafka clients accept it in `sasl.jaas.config`:
 * values may be double-quoted (backslash escapes the next character) and the entry ends with `;`.
 */
export function parseJaasConfig(text: string): JaasParse {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return tokens;
  let i = 0;
  const loginModule = tokens[i++];
  if (loginModule === undefined || loginModule.quoted || loginModule.text === ';') {
    return { ok: false, reason: 'it does not start with a login module class' };
  }
  const flag = tokens[i++];
  if (flag === undefined || !CONTROL_FLAGS.includes(flag.text.toLowerCase())) {
    return { ok: false, reason: 'the login module is not followed by required, requisite, sufficient or optional' };
  }
  const options: Record<string, string> = {};
  while (i < tokens.length && tokens[i]!.text !== ';') {
    const name = tokens[i]!;
    const equals = tokens[i + 1];
    const value = tokens[i + 2];
    if (name.quoted || equals?.text !== '=' || equals.quoted || value === undefined || (!value.quoted && value.text === ';')) {
      return { ok: false, reason: `option ${Object.keys(options).length + 1} is not written as name=value` };
    }
    options[name.text] = value.text;
    i += 3;
  }
  if (tokens[i]?.text !== ';' || tokens[i]!.quoted) {
    return { ok: false, reason: 'it does not end with ;' };
  }
  if (i !== tokens.length - 1) {
    return { ok: false, reason: 'only one login module may be given' };
  }
  return { ok: true, jaas: { loginModule: loginModule.text, controlFlag: flag.text.toLowerCase(), options } };
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

function tokenize(text: string): Token[] | { ok: false; reason: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push({ text: c, quoted: false });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) return { ok: false, reason: 'a quoted value is not closed' };
      i++;
      tokens.push({ text: value, quoted: true });
    } else {
      let word = '';
      while (i < text.length && !/[\s=;"]/.test(text[i]!)) word += text[i++];
      tokens.push({ text: word, quoted: false });
    }
  }
  return tokens;
}

/** A JAAS line for PLAIN or SCRAM credentials, quoting values the way `parseJaasConfig` reads them. */
export function formatJaasConfig(mechanism: string, username: string, password: string): string {
  const module = mechanism.toUpperCase().startsWith('SCRAM-')
    ? 'org.apache.kafka.common.security.scram.ScramLoginModule'
    : 'org.apache.kafka.common.security.plain.PlainLoginModule';
  return `${module} required username=${quote(username)} password=${quote(password)};`;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
