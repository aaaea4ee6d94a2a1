import { startTestOAuthServer, type TestOAuthServer } from '@mirrormaker/testing';
import { OAuthTokenSource } from './oauth-token-source';

describe('OAuthTokenSource', () => {
  let server: TestOAuthServer;
  beforeAll(async () => {
    server = await startTestOAuthServer({ clients: { mirror: 'right-secret' }, audience: 'kafka', lifetimeSeconds: 100 });
  });
  afterAll(() => server.close());

  it('gets a token by the client-credentials grant and reuses it until 80 % of its lifetime passed', async () => {
    let now = Date.now();
    const source = new OAuthTokenSource({ tokenEndpointUrl: server.tokenUrl, clientId: 'mirror', clientSecret: 'right-secret', scope: 'kafka' }, () => now);
    const before = server.issued('mirror');
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect(a).toBe(b);
    const claims = JSON.parse(Buffer.from(a.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'mirror', aud: 'kafka', scope: 'kafka' });
    now += 79_000;
    expect(await source.token()).toBe(a);
    expect(server.issued('mirror') - before).toBe(1);
    now += 2_000;
    await source.token();
    expect(server.issued('mirror') - before).toBe(2);
  });

  it('names the endpoint and the client on refusal, never the secret', async () => {
    const source = new OAuthTokenSource({ tokenEndpointUrl: server.tokenUrl, clientId: 'mirror', clientSecret: 'wrong-secret' });
    const error = await source.token().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error).toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    expect(error?.message).toContain(`${server.tokenUrl} refused client mirror: HTTP 401`);
    expect(error?.message).not.toContain('wrong-secret');
  });

  it('says when the endpoint does not answer', async () => {
    const source = new OAuthTokenSource({ tokenEndpointUrl: 'http://127.0.0.1:1/token', clientId: 'mirror', clientSecret: 's' });
    await expect(source.token()).rejects.toThrow(/did not answer/);
  });
});
