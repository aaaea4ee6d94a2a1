/**
 * A local OAuth 2 authorization server for OAUTHBEARER tests: `POST /token` answers the
 * client-credentials grant with a signed JWT (RS256, subject = client id), `GET /jwks` publishes
 * the verification key for the brokers' OAuthBearerValidatorCallbackHandler.
 */
import { generateKeyPairSync, sign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestOAuthServerOptions {
  /** clientId → clientSecret. */
  clients: Record<string, string>;
  /** `aud` of every token. */
  audience: string;
  /** Token lifetime (`expires_in`). Default 3600 s. */
  lifetimeSeconds?: number;
}

export interface TestOAuthServer {
  tokenUrl: string;
  jwksUrl: string;
  /** Tokens issued so far, by client id. */
  issued(clientId: string): number;
  close(): Promise<void>;
}

const KEY_ID = 'mirrormaker-test-key';

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function jwt(privateKey: KeyObject, claims: Record<string, unknown>): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KEY_ID }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), privateKey))}`;
}

function basicCredentials(req: IncomingMessage): [string, string] | undefined {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startTestOAuthServer(options: TestOAuthServerOptions): Promise<TestOAuthServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' }] });
  const lifetime = options.lifetimeSeconds ?? 3600;
  const counts = new Map<string, number>();
  let issuer = '';

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/jwks') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(jwks);
        return;
      }
      if (req.method !== 'POST' || req.url !== '/token') return answer(res, 404, { error: 'not_found' });
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') return answer(res, 400, { error: 'unsupported_grant_type' });
      const credentials = basicCredentials(req);
      const expected = credentials === undefined ? undefined : options.clients[credentials[0]];
      if (credentials === undefined || expected === undefined || !sameText(expected, credentials[1])) {
        return answer(res, 401, { error: 'invalid_client' });
      }
      const [clientId] = credentials;
      counts.set(clientId, (counts.get(clientId) ?? 0) + 1);
      const now = Math.floor(Date.now() / 1000);
      const scope = form.get('scope');
      const token = jwt(privateKey, { iss: issuer, sub: clientId, aud: options.audience, iat: now, exp: now + lifetime, ...(scope ? { scope } : {}) });
      answer(res, 200, { access_token: token, token_type: 'Bearer', expires_in: lifetime });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}`;
  return {
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    issued: (clientId) => counts.get(clientId) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
