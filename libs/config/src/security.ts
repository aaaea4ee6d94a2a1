import { formatJaasConfig, parseJaasConfig, type JaasConfig } from './jaas-config';
import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import { formatList, javaTrim, parseList } from './value-parsers';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface SaslSettings {
  /** `sasl.mechanism`; Kafka's default is GSSAPI. */
  readonly mechanism: string;
  /** Taken from the JAAS options of PLAIN/SCRAM login modules; read-only views of `jaasConfig`. */
  readonly username?: string;
  readonly password?: string;
  readonly jaasConfig?: string;
  /** `sasl.oauthbearer.token.endpoint.url`: where OAUTHBEARER clients get tokens (client credentials). */
  readonly tokenEndpointUrl?: string;
}

export interface SslSettings {
  readonly protocol?: string;
  readonly enabledProtocols?: readonly string[];
  readonly endpointIdentificationAlgorithm?: string;
  readonly truststoreType?: string;
  readonly truststoreLocation?: string;
  readonly truststorePassword?: string;
  readonly truststoreCertificates?: string;
  readonly keystoreType?: string;
  readonly keystoreLocation?: string;
  readonly keystorePassword?: string;
  readonly keystoreKey?: string;
  readonly keystoreCertificateChain?: string;
  readonly keyPassword?: string;
}

/** How a client authenticates to one cluster. `sasl`/`ssl` are present when used or configured. */
export interface SecurityConfig {
  readonly protocol: SecurityProtocol;
  readonly sasl?: SaslSettings;
  readonly ssl?: SslSettings;
}

type SslStringField = Exclude<keyof SslSettings, 'enabledProtocols'>;

const SSL_STRING_KEYS: ReadonlyArray<readonly [SslStringField, string]> = [
  ['protocol', 'ssl.protocol'],
  ['endpointIdentificationAlgorithm', 'ssl.endpoint.identification.algorithm'],
  ['truststoreType', 'ssl.truststore.type'],
  ['truststoreLocation', 'ssl.truststore.location'],
  ['truststorePassword', 'ssl.truststore.password'],
  ['truststoreCertificates', 'ssl.truststore.certificates'],
  ['keystoreType', 'ssl.keystore.type'],
  ['keystoreLocation', 'ssl.keystore.location'],
  ['keystorePassword', 'ssl.keystore.password'],
  ['keystoreKey', 'ssl.keystore.key'],
  ['keystoreCertificateChain', 'ssl.keystore.certificate.chain'],
  ['keyPassword', 'ssl.key.password'],
];

const ENABLED_PROTOCOLS_KEY = 'ssl.enabled.protocols';
const TOKEN_ENDPOINT_KEY = 'sasl.oauthbearer.token.endpoint.url';

/** Property keys represented by `SecurityConfig` (the rest of `ssl.*`/`sasl.*` stay plain properties). */
export const SECURITY_MODEL_KEYS: readonly string[] = [
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  TOKEN_ENDPOINT_KEY,
  ENABLED_PROTOCOLS_KEY,
  ...SSL_STRING_KEYS.map(([, key]) => key),
];

export const DEFAULT_SASL_MECHANISM = 'GSSAPI';

/**
 * Reads the security part of a client property map (bootstrap/security/SSL/SASL keys). Invalid
 * protocols fall back to PLAINTEXT here; the loader reports them.
 */
export function parseSecurity(props: Readonly<Record<string, string>>): SecurityConfig {
  const protocolText = javaTrim(props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  const protocol = (SECURITY_PROTOCOLS as readonly string[]).includes(protocolText)
    ? (protocolText as SecurityProtocol)
    : 'PLAINTEXT';
  const mechanismText = props['sasl.mechanism'];
  const jaasText = props['sasl.jaas.config'];
  const jaasConfig = jaasText === undefined ? undefined : javaTrim(jaasText);
  const tokenEndpointText = props[TOKEN_ENDPOINT_KEY];
  const tokenEndpointUrl = tokenEndpointText === undefined ? undefined : javaTrim(tokenEndpointText);
  const usesSasl = protocol.startsWith('SASL_') || mechanismText !== undefined || jaasConfig !== undefined || tokenEndpointUrl !== undefined;
  let sasl: SaslSettings | undefined;
  if (usesSasl) {
    const mechanism = mechanismText === undefined ? DEFAULT_SASL_MECHANISM : javaTrim(mechanismText);
    const credentials = jaasConfig === undefined ? undefined : jaasCredentials(jaasConfig);
    sasl = {
      mechanism,
      ...(credentials?.username === undefined ? {} : { username: credentials.username }),
      ...(credentials?.password === undefined ? {} : { password: credentials.password }),
      ...(jaasConfig === undefined ? {} : { jaasConfig }),
      ...(tokenEndpointUrl === undefined ? {} : { tokenEndpointUrl }),
    };
  }
  const ssl: Record<string, unknown> = {};
  for (const [field, key] of SSL_STRING_KEYS) {
    const value = props[key];
    if (value !== undefined) ssl[field] = javaTrim(value);
  }
  if (props[ENABLED_PROTOCOLS_KEY] !== undefined) ssl['enabledProtocols'] = parseList(props[ENABLED_PROTOCOLS_KEY]);
  const usesSsl = protocol === 'SSL' || protocol === 'SASL_SSL' || Object.keys(ssl).length > 0;
  return {
    protocol,
    ...(sasl === undefined ? {} : { sasl }),
    ...(usesSsl ? { ssl: ssl as SslSettings } : {}),
  };
}

function jaasCredentials(jaasConfig: string): { username?: string; password?: string } | undefined {
  const parsed = parseJaasConfig(jaasConfig);
  if (!parsed.ok) return undefined;
  const { username, password } = parsed.jaas.options;
  return { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}

/**
 * The inverse of `parseSecurity`. A SASL block with username and password but no JAAS line gets one
 * generated for PLAIN/SCRAM, so the control API can create a cluster without writing JAAS by hand.
 */
export function securityToProperties(security: SecurityConfig): Record<string, string> {
  const props: Record<string, string> = { 'security.protocol': security.protocol };
  const { sasl, ssl } = security;
  if (sasl !== undefined) {
    props['sasl.mechanism'] = sasl.mechanism;
    if (sasl.jaasConfig !== undefined) {
      props['sasl.jaas.config'] = sasl.jaasConfig;
    } else if (sasl.username !== undefined && sasl.password !== undefined) {
      props['sasl.jaas.config'] = formatJaasConfig(sasl.mechanism, sasl.username, sasl.password);
    }
    if (sasl.tokenEndpointUrl !== undefined) props[TOKEN_ENDPOINT_KEY] = sasl.tokenEndpointUrl;
  }
  if (ssl !== undefined) {
    for (const [field, key] of SSL_STRING_KEYS) {
      const value = ssl[field];
      if (value !== undefined) props[key] = value;
    }
    if (ssl.enabledProtocols !== undefined) props[ENABLED_PROTOCOLS_KEY] = formatList(ssl.enabledProtocols);
  }
  return props;
}

/** Trust and key store types (`ssl.truststore.type`, `ssl.keystore.type`); Java's default is JKS. */
export const STORE_TYPES = ['JKS', 'PKCS12', 'PEM'] as const;

export const SUPPORTED_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;

export interface SecurityFinding {
  readonly severity: 'error' | 'warning';
  readonly key: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * Problems a client would hit when connecting with these properties. Messages never quote
 * credential values.
 */
export function checkSecurity(props: Readonly<Record<string, string>>, keyPrefix: string): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  const protocolText = props['security.protocol'];
  if (protocolText !== undefined && !(SECURITY_PROTOCOLS as readonly string[]).includes(javaTrim(protocolText).toUpperCase())) {
    findings.push({
      severity: 'error',
      key: `${keyPrefix}security.protocol`,
      message: `"${protocolText}" is not a security protocol`,
      hint: `use one of ${SECURITY_PROTOCOLS.join(', ')}`,
    });
  }
  for (const store of ['truststore', 'keystore']) {
    const type = props[`ssl.${store}.type`];
    if (type !== undefined && !(STORE_TYPES as readonly string[]).includes(javaTrim(type).toUpperCase())) {
      findings.push({
        severity: 'error',
        key: `${keyPrefix}ssl.${store}.type`,
        message: `${store} type "${type}" is not one we read`,
        hint: `use ${STORE_TYPES.join(', ')} (convert other stores with keytool -importkeystore -deststoretype PKCS12)`,
      });
    }
  }
  findings.push(...notAppliedConnectionKeys(props, keyPrefix));
  const security = parseSecurity(props);
  if (!security.protocol.startsWith('SASL_') || security.sasl === undefined) {
    return findings;
  }
  const mechanism = security.sasl.mechanism.toUpperCase();
  const mechanismKey = `${keyPrefix}sasl.mechanism`;
  const jaasKey = `${keyPrefix}sasl.jaas.config`;
  if (mechanism === 'GSSAPI') {
    findings.push({
      severity: 'error',
      key: mechanismKey,
      message: `${security.protocol} with mechanism GSSAPI (Kerberos${props['sasl.mechanism'] === undefined ? ', the Kafka default' : ''}) is not supported`,
      hint: `set ${mechanismKey} to PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER with a matching ${jaasKey}`,
    });
    return findings;
  }
  if (!(SUPPORTED_SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    findings.push({
      severity: 'warning',
      key: mechanismKey,
      message: `SASL mechanism ${security.sasl.mechanism} is not one we know`,
      hint: `use one of ${SUPPORTED_SASL_MECHANISMS.join(', ')}`,
    });
    return findings;
  }
  const jaasText = security.sasl.jaasConfig;
  if (jaasText === undefined) {
    findings.push({
      severity: 'error',
      key: jaasKey,
      message: `${security.protocol}/${mechanism} needs a JAAS login line`,
      hint: `set ${jaasKey}=org.apache.kafka.common.security.plain.PlainLoginModule required username="..." password="...";`,
    });
    return findings;
  }
  const jaas = parseJaasConfig(jaasText);
  if (!jaas.ok) {
    findings.push({
      severity: 'error',
      key: jaasKey,
      message: `sasl.jaas.config cannot be read: ${jaas.reason}`,
      hint: 'write <LoginModule class> required username="..." password="..."; (quotes around values, ; at the end)',
    });
    return findings;
  }
  if (mechanism === 'OAUTHBEARER') {
    findings.push(...checkOAuthBearer(jaas.jaas, props, keyPrefix));
    return findings;
  }
  const isPlain = mechanism === 'PLAIN';
  const isScram = mechanism.startsWith('SCRAM-');
  if (isPlain || isScram) {
    const expected = isPlain ? 'PlainLoginModule' : 'ScramLoginModule';
    if (!jaas.jaas.loginModule.endsWith(expected)) {
      findings.push({
        severity: 'warning',
        key: jaasKey,
        message: `mechanism ${mechanism} usually goes with ${expected}, not ${jaas.jaas.loginModule}`,
        hint: `use the ${expected} class from org.apache.kafka.common.security.${isPlain ? 'plain' : 'scram'}`,
      });
    }
    if (jaas.jaas.options['username'] === undefined || jaas.jaas.options['password'] === undefined) {
      findings.push({
        severity: 'error',
        key: jaasKey,
        message: `${mechanism} needs both username and password in sasl.jaas.config`,
        hint: 'add username="..." password="..." to the JAAS line',
      });
    }
  }
  return findings;
}

// OAUTHBEARER as Java clients do it with the client-credentials grant: a token endpoint, and
// clientId/clientSecret (optionally scope) in the JAAS line of OAuthBearerLoginModule.
function checkOAuthBearer(jaas: JaasConfig, props: Readonly<Record<string, string>>, keyPrefix: string): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  const jaasKey = `${keyPrefix}sasl.jaas.config`;
  const endpointKey = `${keyPrefix}${TOKEN_ENDPOINT_KEY}`;
  if (!jaas.loginModule.endsWith('OAuthBearerLoginModule')) {
    findings.push({
      severity: 'warning',
      key: jaasKey,
      message: `mechanism OAUTHBEARER usually goes with OAuthBearerLoginModule, not ${jaas.loginModule}`,
      hint: 'use org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule',
    });
  }
  const endpoint = props[TOKEN_ENDPOINT_KEY] === undefined ? '' : javaTrim(props[TOKEN_ENDPOINT_KEY]);
  if (endpoint === '') {
    findings.push({
      severity: 'error',
      key: endpointKey,
      message: 'OAUTHBEARER needs a token endpoint: tokens are fetched with the client-credentials grant',
      hint: `set ${endpointKey}=https://<issuer>/token`,
    });
  } else if (!/^https?:\/\//i.test(endpoint)) {
    findings.push({
      severity: 'error',
      key: endpointKey,
      message: `token endpoint "${endpoint}" is not an http or https URL (file URLs are not supported)`,
      hint: `set ${endpointKey}=https://<issuer>/token`,
    });
  }
  if (jaas.options['clientId'] === undefined || jaas.options['clientSecret'] === undefined) {
    findings.push({
      severity: 'error',
      key: jaasKey,
      message: 'OAUTHBEARER needs clientId and clientSecret in sasl.jaas.config',
      hint: 'write org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="..." clientSecret="..." scope="...";',
    });
  }
  return findings;
}

/** Connection keys a client of ours applies; the others get a warning saying what happens instead. */
const APPLIED_CONNECTION_KEYS = new Set(['bootstrap.servers', ...SECURITY_MODEL_KEYS]);

// What happens instead, for the keys users set most; the rest get a general note.
const INSTEAD: Readonly<Record<string, string>> = {
  'ssl.cipher.suites': "Node's default cipher suites are used",
  'ssl.provider': "Node's OpenSSL is the provider",
  'ssl.keymanager.algorithm': 'key stores are read directly',
  'ssl.trustmanager.algorithm': 'the truststore certificates are trusted as they are',
  'ssl.secure.random.implementation': "Node's random source is used",
  'sasl.login.refresh.window.factor': 'OAUTHBEARER tokens are renewed after 80 % of their lifetime',
  'sasl.oauthbearer.scope.claim.name': 'the scope is sent as given in the JAAS line',
};

function notAppliedConnectionKeys(props: Readonly<Record<string, string>>, keyPrefix: string): SecurityFinding[] {
  return Object.keys(props)
    .filter((key) => CLIENT_CONNECTION_KEYS.has(key) && !APPLIED_CONNECTION_KEYS.has(key))
    .sort()
    .map((key) => ({
      severity: 'warning' as const,
      key: `${keyPrefix}${key}`,
      message: `${key} is not applied: ${INSTEAD[key] ?? 'our Kafka clients have no such setting'}`,
      hint: 'remove it; docs/security.md lists the security keys applied',
    }));
}
