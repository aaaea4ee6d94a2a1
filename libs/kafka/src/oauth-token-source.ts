/**
 * OAUTHBEARER tokens by the OAuth 2 client-credentials grant, as Java clients get them with
 * `sasl.oauthbearer.token.endpoint.url` and `clientId`/`clientSecret`/`scope` in the JAAS line:
 * a form POST with the client authenticated by HTTP Basic, answered with `access_token` and
 * `expires_in`. A token is reused until 80 % of its lifetime has passed (Java's default
 * `sasl.login.refresh.window.factor`), so reconnects and new brokers do not each ask for one.
 */
import { KafkaError } from './errors';

export interface ClientCredentials {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

export interface OAuthToken {
  value: string;
  /** Epoch ms after which a new token is fetched. */
  refreshAt: number;
}

const REFRESH_WINDOW_FACTOR = 0.8;
// Used when the endpoint does not say how long a token lives.
const DEFAULT_LIFETIME_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export class OAuthTokenSource {
  private cached: OAuthToken | undefined;
  private pending: Promise<OAuthToken> | undefined;

  constructor(
    private readonly credentials: Readonly<ClientCredentials>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token: the cached one, or a new one (concurrent callers share one request). */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    this.cached = await this.pending;
    return this.cached.value;
  }

  private async fetchToken(): Promise<OAuthToken> {
    const { tokenEndpointUrl, clientId, clientSecret, scope } = this.credentials;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope) body.set('scope', scope);
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const started = this.now();
    let response: Response;
    try {
      response = await fetch(tokenEndpointUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new KafkaError('AUTHENTICATION_FAILED', `OAuth token endpoint ${tokenEndpointUrl} did not answer: ${causeText(err)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      // The body of a refusal names the problem (invalid_client, invalid_scope) and holds no secret.
      throw new KafkaError(
        'AUTHENTICATION_FAILED',
        `OAuth token endpoint ${tokenEndpointUrl} refused client ${clientId}: HTTP ${response.status} ${text.slice(0, 200)}; check clientId, clientSecret and scope in sasl.jaas.config`,
      );
    }
    let parsed: { access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new KafkaError('AUTHENTICATION_FAILED', `OAuth token endpoint ${tokenEndpointUrl} did not answer with JSON`);
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
      throw new KafkaError('AUTHENTICATION_FAILED', `OAuth token endpoint ${tokenEndpointUrl} answered without an access_token`);
    }
    const lifetimeMs = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in * 1000 : DEFAULT_LIFETIME_MS;
    return { value: parsed.access_token, refreshAt: started + lifetimeMs * REFRESH_WINDOW_FACTOR };
  }
}

function causeText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
