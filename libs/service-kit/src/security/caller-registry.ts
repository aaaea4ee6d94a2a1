/**
 * The credentials a server accepts, read once at start:
 *
 * - tokens file (`--tokens-file`): one caller per line, `<roles> <sha256-hex> <name>`, e.g.
 *   `operator 9f86d0…0f00a08 alice`; roles are comma-separated (`worker,viewer`). Only the SHA-256
 *   of each token is stored, so the file is no secret worth stealing (the tokens are random, 32
 *   bytes or more, so a plain hash cannot be reversed by guessing). A presented token is hashed and
 *   compared with every stored hash in constant time.
 * - client subjects file (`--tls-client-subjects-file`, mTLS only): `<roles> <subject CN>`, the
 *   common name of a client certificate the server's `--tls-ca` signed.
 *
 * `#` starts a comment line; blank lines are skipped.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../errors';
import { isRole, ROLES, type Role } from './roles';

export interface Caller {
  /** Shown in logs: the token's name, or `cn=<common name>` for a client certificate. */
  name: string;
  roles: Role[];
}

interface StoredToken extends Caller {
  hash: Buffer;
}

/** SHA-256 of a token, hex: what a tokens file stores. Same as `printf %s "$TOKEN" | sha256sum`. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token (256 bits, base64url) for a tokens file. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The tokens-file line of a caller with `roles` and `name` for `token`. */
export function tokensFileLine(roles: readonly Role[], token: string, name: string): string {
  return `${roles.join(',')} ${hashToken(token)} ${name}`;
}

function parseRoles(raw: string, where: string): Role[] {
  const roles = raw.split(',');
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) throw new ServiceError('SECURITY_SETUP', `${where}: unknown role '${bad.join(',')}' (roles: ${ROLES.join(', ')})`);
  return roles as Role[];
}

function contentLines(text: string, file: string): Array<{ fields: string[]; where: string }> {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), where: `${file} line ${i + 1}` }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, where }) => ({ fields: line.split(/\s+/), where }));
}

/** Everyone a server lets in, by token or by client certificate. */
export class CallerRegistry {
  private constructor(
    private readonly tokens: StoredToken[],
    private readonly subjects: Map<string, Role[]>,
  ) {}

  static empty(): CallerRegistry {
    return new CallerRegistry([], new Map());
  }

  /** Parses the files' texts; a malformed line throws a ServiceError naming the file and line. */
  static parse(input: { tokens?: { file: string; text: string }; subjects?: { file: string; text: string } }): CallerRegistry {
    const tokens: StoredToken[] = [];
    if (input.tokens) {
      for (const { fields, where } of contentLines(input.tokens.text, input.tokens.file)) {
        const [roles, hash, ...name] = fields;
        if (!/^[0-9a-f]{64}$/i.test(hash ?? '') || name.length === 0) {
          throw new ServiceError('SECURITY_SETUP', `${where}: expected '<roles> <sha256-hex of the token> <name>'`);
        }
        tokens.push({ roles: parseRoles(roles!, where), hash: Buffer.from(hash!, 'hex'), name: name.join(' ') });
      }
    }
    const subjects = new Map<string, Role[]>();
    if (input.subjects) {
      for (const { fields, where } of contentLines(input.subjects.text, input.subjects.file)) {
        const [roles, ...cn] = fields;
        if (cn.length === 0) throw new ServiceError('SECURITY_SETUP', `${where}: expected '<roles> <certificate common name>'`);
        subjects.set(cn.join(' '), parseRoles(roles!, where));
      }
    }
    return new CallerRegistry(tokens, subjects);
  }

  get size(): number {
    return this.tokens.length + this.subjects.size;
  }

  /** The caller a bearer token belongs to. Every stored hash is compared, each in constant time. */
  byToken(token: string): Caller | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: StoredToken | undefined;
    for (const stored of this.tokens) {
      if (timingSafeEqual(presented, stored.hash) && !found) found = stored;
    }
    return found && { name: found.name, roles: found.roles };
  }

  /** The caller a verified client certificate's common name maps to. */
  bySubject(commonName: string): Caller | undefined {
    const roles = this.subjects.get(commonName);
    return roles && { name: `cn=${commonName}`, roles };
  }
}
