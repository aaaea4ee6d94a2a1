/**
 * The gRPC security flags every service takes, for its server and for the clients it opens (the
 * lease session, the coordinator's forwarding to offset-sync). Each has an `MM_*` variable; the
 * flag wins. What they must look like together:
 *
 * - TLS unless `--insecure-plaintext` is given: `--tls-cert` and `--tls-key` are required, and
 *   TLS flags together with `--insecure-plaintext` are refused (one of the two is a mistake);
 * - with TLS, someone must be able to authenticate: `--tokens-file` and/or
 *   `--tls-client-subjects-file` (the latter only with `--tls-client-auth require`);
 * - `--tls-ca` is the CA this process trusts: for servers it calls, and for client certificates
 *   when `--tls-client-auth require`. Without it, servers are checked against the system roots.
 */
import { ServiceError } from '../errors';

export const TLS_CLIENT_AUTH = ['none', 'require'] as const;
export type TlsClientAuth = (typeof TLS_CLIENT_AUTH)[number];

export interface SecurityFlags {
  /** PEM certificate chain this process presents, as server and as client (`--tls-cert`, `MM_TLS_CERT`). */
  tlsCert?: string;
  /** PEM private key of `tlsCert` (`--tls-key`, `MM_TLS_KEY`). */
  tlsKey?: string;
  /** PEM CA bundle this process trusts (`--tls-ca`, `MM_TLS_CA`). @default the system roots */
  tlsCa?: string;
  /** Whether the server demands a client certificate signed by `tlsCa` (`--tls-client-auth`). @default 'none' */
  tlsClientAuth: TlsClientAuth;
  /** `<roles> <common name>` per line: client certificates and their roles (`--tls-client-subjects-file`). */
  tlsClientSubjectsFile?: string;
  /** Serve and call gRPC without TLS (`--insecure-plaintext`, `MM_INSECURE_PLAINTEXT=true`). */
  insecurePlaintext: boolean;
  /** `<roles> <sha256-hex> <name>` per line: the tokens this server accepts (`--tokens-file`, `MM_TOKENS_FILE`). */
  tokensFile?: string;
  /** File holding the bearer token this process sends when it calls others (`--token-file`, `MM_TOKEN_FILE`). */
  tokenFile?: string;
  /** The bearer token itself, from `MM_TOKEN` (there is no flag: command lines are visible to every user of a host). */
  token?: string;
}

export const SECURITY_OPTIONS = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-client-auth': { type: 'string' },
  'tls-client-subjects-file': { type: 'string' },
  'insecure-plaintext': { type: 'boolean' },
  'tokens-file': { type: 'string' },
  'token-file': { type: 'string' },
} as const;

export const SECURITY_USAGE = [
  '  --tls-cert <pem>           certificate chain served and presented to other services (MM_TLS_CERT)',
  '  --tls-key <pem>            its private key (MM_TLS_KEY)',
  '  --tls-ca <pem>             CA trusted for servers called and client certificates, default system roots (MM_TLS_CA)',
  '  --tls-client-auth <none|require>  demand a client certificate signed by --tls-ca, default none (MM_TLS_CLIENT_AUTH)',
  '  --tls-client-subjects-file <f>  lines "<roles> <certificate CN>" for mTLS callers (MM_TLS_CLIENT_SUBJECTS_FILE)',
  '  --tokens-file <f>          lines "<roles> <sha256-hex of token> <name>": accepted callers (MM_TOKENS_FILE)',
  '  --token-file <f>           bearer token sent when calling other services (MM_TOKEN_FILE, or the token in MM_TOKEN)',
  '  --insecure-plaintext       serve and call gRPC without TLS; without --tokens-file also without authentication',
  '                             (MM_INSECURE_PLAINTEXT=true; logs a warning at start). Roles: docs/security.md',
];

type Values = Record<string, string | string[] | boolean | undefined>;

/** Reads and checks the security flags; a contradiction or a missing flag throws a BAD_FLAG ServiceError. */
export function parseSecurityFlags(values: Values, env: Record<string, string | undefined>): SecurityFlags {
  const str = (flag: string): string | undefined => (values[flag] as string | undefined) ?? env[`MM_${flag.toUpperCase().replace(/-/g, '_')}`];
  const insecurePlaintext = values['insecure-plaintext'] === true || /^(true|1|yes)$/i.test(env.MM_INSECURE_PLAINTEXT ?? '');
  const tlsClientAuth = str('tls-client-auth') ?? 'none';
  if (!(TLS_CLIENT_AUTH as readonly string[]).includes(tlsClientAuth)) {
    throw new ServiceError('BAD_FLAG', `--tls-client-auth (MM_TLS_CLIENT_AUTH) must be one of ${TLS_CLIENT_AUTH.join(', ')}, got '${tlsClientAuth}'`);
  }
  const flags: SecurityFlags = {
    tlsCert: str('tls-cert'),
    tlsKey: str('tls-key'),
    tlsCa: str('tls-ca'),
    tlsClientAuth: tlsClientAuth as TlsClientAuth,
    tlsClientSubjectsFile: str('tls-client-subjects-file'),
    insecurePlaintext,
    tokensFile: str('tokens-file'),
    tokenFile: str('token-file'),
    token: env.MM_TOKEN === '' ? undefined : env.MM_TOKEN,
  };
  const tlsGiven = ['tlsCert', 'tlsKey', 'tlsCa', 'tlsClientSubjectsFile'].filter((k) => flags[k as keyof SecurityFlags] !== undefined);
  if (insecurePlaintext) {
    if (tlsGiven.length > 0 || flags.tlsClientAuth !== 'none') {
      throw new ServiceError('BAD_FLAG', '--insecure-plaintext cannot be combined with --tls-* flags: drop one or the other');
    }
    return flags;
  }
  if (flags.tlsCert === undefined || flags.tlsKey === undefined) {
    throw new ServiceError(
      'BAD_FLAG',
      'gRPC needs TLS: pass --tls-cert and --tls-key (MM_TLS_CERT, MM_TLS_KEY), or --insecure-plaintext to run without TLS (see docs/security.md)',
    );
  }
  if (flags.tlsClientAuth === 'require' && flags.tlsCa === undefined) {
    throw new ServiceError('BAD_FLAG', '--tls-client-auth require needs --tls-ca, the CA that signs client certificates');
  }
  if (flags.tlsClientSubjectsFile !== undefined && flags.tlsClientAuth !== 'require') {
    throw new ServiceError('BAD_FLAG', '--tls-client-subjects-file needs --tls-client-auth require (only verified certificates name a caller)');
  }
  if (flags.tokensFile === undefined && flags.tlsClientSubjectsFile === undefined) {
    throw new ServiceError('BAD_FLAG', 'nobody could call this service: pass --tokens-file (MM_TOKENS_FILE) and/or --tls-client-subjects-file');
  }
  return flags;
}
