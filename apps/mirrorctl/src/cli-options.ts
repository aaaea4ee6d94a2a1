/**
 * mirrorctl's command line: the connection flags every command takes, each command's own flags,
 * and the client security they make. A flag that a command does not use is refused, not ignored.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { plaintextClient, tlsClient, type ClientSecurity } from '@mirrormaker/service-kit';
import { UsageError } from './usage-error';

const OPTIONS = {
  coordinator: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'token-file': { type: 'string' },
  'insecure-plaintext': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  flow: { type: 'string', multiple: true },
  group: { type: 'string' },
  partitions: { type: 'boolean' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
  file: { type: 'string', short: 'f' },
  'dry-run': { type: 'boolean' },
  set: { type: 'string', multiple: true },
  unset: { type: 'string', multiple: true },
} as const;

type OptionName = keyof typeof OPTIONS;
const CONNECTION: readonly OptionName[] = ['coordinator', 'tls-ca', 'tls-cert', 'tls-key', 'token-file', 'insecure-plaintext', 'timeout-ms', 'json', 'help'];

export interface Connection {
  coordinator: string;
  security: ClientSecurity;
  /** Where the token came from, for errors about it; undefined when none is sent. */
  tokenSource?: string;
  timeoutMs: number;
}

export interface CommandLine {
  /** e.g. ['flows', 'get', 'a->b'] */
  positionals: string[];
  values: {
    flow?: string[];
    group?: string;
    partitions?: boolean;
    watch?: boolean;
    interval?: string;
    file?: string;
    'dry-run'?: boolean;
    set?: string[];
    unset?: string[];
    json?: boolean;
    help?: boolean;
  };
  connection(): Connection;
  /** Refuses every command flag given that is not in `allowed`. */
  only(command: string, allowed: readonly OptionName[]): void;
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${flag} '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined>): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (mirrorctl --help lists commands and flags)`);
  }
  const values = parsed.values as Record<string, unknown>;
  const str = (flag: OptionName): string | undefined => (values[flag] as string | undefined) ?? env[`MM_${flag.toUpperCase().replace(/-/g, '_')}`];

  return {
    positionals: parsed.positionals,
    values: parsed.values,
    only(command, allowed) {
      for (const name of Object.keys(values) as OptionName[]) {
        if (!CONNECTION.includes(name) && !allowed.includes(name)) throw new UsageError(`--${name} does not apply to '${command}' (mirrorctl --help)`);
      }
    },
    connection() {
      const plaintext = values['insecure-plaintext'] === true || /^(true|1|yes)$/i.test(env.MM_INSECURE_PLAINTEXT ?? '');
      const ca = str('tls-ca');
      const cert = str('tls-cert');
      const key = str('tls-key');
      if (plaintext && (ca || cert || key)) throw new UsageError('--insecure-plaintext together with --tls-* flags (or MM_TLS_* variables): one of the two is a mistake');
      if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both for a client certificate, or neither');
      const tokenFile = str('token-file');
      let token: string | undefined;
      let tokenSource: string | undefined;
      if (tokenFile !== undefined) {
        token = readFile(tokenFile, '--token-file').toString('utf8').trim();
        if (token === '') throw new UsageError(`--token-file '${tokenFile}' is empty: it must hold the bearer token`);
        tokenSource = `--token-file ${tokenFile}`;
      } else if (env.MM_TOKEN) {
        token = env.MM_TOKEN.trim();
        tokenSource = 'MM_TOKEN';
      }
      const timeoutText = str('timeout-ms') ?? '15000';
      const timeoutMs = Number(timeoutText);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout-ms must be a positive number of milliseconds, got '${timeoutText}'`);
      const security = plaintext
        ? plaintextClient(token)
        : tlsClient(ca === undefined ? null : readFile(ca, '--tls-ca'), token, cert === undefined ? undefined : { cert: readFile(cert, '--tls-cert'), key: readFile(key!, '--tls-key') });
      return { coordinator: str('coordinator') ?? 'localhost:7000', security, tokenSource, timeoutMs };
    },
  };
}

/** "source->target" as the API's flow reference. */
export function flowRef(text: string | undefined, where: string): { source: string; target: string } {
  const [source, target, ...rest] = (text ?? '').split('->');
  if (!source || !target || rest.length > 0 || /\s/.test(text!)) {
    throw new UsageError(`${where} needs a flow written source->target (e.g. primary->backup), got '${text ?? ''}'`);
  }
  return { source, target };
}
