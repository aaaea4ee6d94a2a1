import { formatJaasConfig, parseJaasConfig } from './jaas-config';
import { checkSecurity, parseSecurity, securityToProperties } from './security';

const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3\\"cret";';

describe('parseJaasConfig', () => {
  it('reads module, flag and quoted or bare options', () => {
    expect(parseJaasConfig(PLAIN)).toEqual({
      ok: true,
      jaas: {
        loginModule: 'org.apache.kafka.common.security.plain.PlainLoginModule',
        controlFlag: 'required',
        options: { username: 'alice', password: 's3"cret' },
      },
    });
    expect(parseJaasConfig('x.ScramLoginModule REQUIRED username=bob password=pw tokenauth=true ;')).toEqual(
      expect.objectContaining({ ok: true, jaas: expect.objectContaining({ options: { username: 'bob', password: 'pw', tokenauth: 'true' } }) }),
    );
  });

  it.each([
    ['x.PlainLoginModule required username="a" password="b"', 'does not end with ;'],
    ['x.PlainLoginModule maybe username="a";', 'required, requisite'],
    ['x.PlainLoginModule required username="a;', 'not closed'],
    ['x.PlainLoginModule required username;', 'name=value'],
    ['x.A required; y.B required;', 'only one'],
  ])('rejects %s', (text, reason) => {
    const parsed = parseJaasConfig(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it('writes JAAS lines that read back, quoting awkward characters', () => {
    const text = formatJaasConfig('SCRAM-SHA-512', 'u"1', 'p\\w;d');
    expect(text.startsWith('org.apache.kafka.common.security.scram.ScramLoginModule required')).toBe(true);
    const parsed = parseJaasConfig(text);
    expect(parsed.ok && parsed.jaas.options).toEqual({ username: 'u"1', password: 'p\\w;d' });
  });
});

describe('parseSecurity', () => {
  it('defaults to PLAINTEXT with no sasl or ssl block', () => {
    expect(parseSecurity({ 'bootstrap.servers': 'h:1' })).toEqual({ protocol: 'PLAINTEXT' });
  });

  it('reads SASL_SSL with credentials from the JAAS line and the SSL fields', () => {
    expect(
      parseSecurity({
        'security.protocol': 'sasl_ssl',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config': PLAIN,
        'ssl.truststore.location': ' /t.jks ',
        'ssl.truststore.password': 'tp',
        'ssl.enabled.protocols': 'TLSv1.2, TLSv1.3',
      }),
    ).toEqual({
      protocol: 'SASL_SSL',
      sasl: { mechanism: 'PLAIN', username: 'alice', password: 's3"cret', jaasConfig: PLAIN },
      ssl: { truststoreLocation: '/t.jks', truststorePassword: 'tp', enabledProtocols: ['TLSv1.2', 'TLSv1.3'] },
    });
  });

  it('turns back into the same properties', () => {
    const props = { 'security.protocol': 'SSL', 'ssl.keystore.location': '/k.p12', 'ssl.keystore.type': 'PKCS12', 'ssl.key.password': 'kp' };
    expect(securityToProperties(parseSecurity(props))).toEqual(props);
  });

  it('writes a JAAS line when only username and password are given', () => {
    const props = securityToProperties({ protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } });
    expect(parseSecurity(props).sasl).toEqual(expect.objectContaining({ username: 'u', password: 'p' }));
  });
});

describe('checkSecurity', () => {
  it('accepts PLAIN and SCRAM with credentials', () => {
    expect(checkSecurity({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': PLAIN }, 'A.')).toEqual([]);
  });

  it('reports an unknown protocol, Kerberos (also as the implicit default) and missing credentials', () => {
    expect(checkSecurity({ 'security.protocol': 'TLS' }, 'A.').map((f) => f.key)).toEqual(['A.security.protocol']);
    expect(checkSecurity({ 'security.protocol': 'SASL_SSL' }, 'A.')[0]!.message).toContain('GSSAPI');
    expect(checkSecurity({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN' }, 'A.')[0]!.key).toBe('A.sasl.jaas.config');
    const noPassword = checkSecurity(
      { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.jaas.config': 'x.ScramLoginModule required username="u";' },
      'A.',
    );
    expect(noPassword.map((f) => f.severity)).toEqual(['error']);
  });

  it('warns when the login module does not match the mechanism, without quoting secrets', () => {
    const findings = checkSecurity({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': PLAIN }, 'A.');
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
    expect(JSON.stringify(findings)).not.toContain('s3');
  });

  it('does not quote a malformed JAAS line in its message', () => {
    const findings = checkSecurity(
      { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'x.PlainLoginModule required password=hunter 2 x;' },
      'A.',
    );
    expect(findings[0]!.severity).toBe('error');
    expect(JSON.stringify(findings)).not.toContain('hunter');
  });

  it('accepts OAUTHBEARER with a token endpoint and client credentials, and names what is missing', () => {
    const oauth = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="mirror" clientSecret="t0ps3cret" scope="kafka";';
    const props = { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER', 'sasl.jaas.config': oauth };
    expect(checkSecurity({ ...props, 'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token' }, 'A.')).toEqual([]);
    const noEndpoint = checkSecurity(props, 'A.');
    expect(noEndpoint.map((f) => [f.severity, f.key])).toEqual([['error', 'A.sasl.oauthbearer.token.endpoint.url']]);
    const fileEndpoint = checkSecurity({ ...props, 'sasl.oauthbearer.token.endpoint.url': 'file:///tmp/token' }, 'A.');
    expect(fileEndpoint[0]!.message).toContain('not an http or https URL');
    const noSecret = checkSecurity(
      { ...props, 'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token', 'sasl.jaas.config': 'x.OAuthBearerLoginModule required clientId="mirror";' },
      'A.',
    );
    expect(noSecret.map((f) => f.message)).toEqual(['OAUTHBEARER needs clientId and clientSecret in sasl.jaas.config']);
    expect(JSON.stringify([noEndpoint, fileEndpoint, noSecret])).not.toContain('t0ps3cret');
  });

  it('warns about connection keys our clients do not apply, saying what happens instead', () => {
    const findings = checkSecurity({ 'security.protocol': 'SSL', 'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256', 'ssl.protocol': 'TLSv1.3' }, 'A.');
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', key: 'A.ssl.cipher.suites', message: "ssl.cipher.suites is not applied: Node's default cipher suites are used" }),
    ]);
  });

  it('reports a store type other than JKS, PKCS12 or PEM', () => {
    expect(checkSecurity({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'jks', 'ssl.keystore.type': 'PKCS12' }, 'A.')).toEqual([]);
    expect(checkSecurity({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'JCEKS' }, 'A.').map((f) => f.key)).toEqual(['A.ssl.keystore.type']);
  });
});

describe('parseSecurity with OAUTHBEARER', () => {
  it('keeps the token endpoint and writes it back', () => {
    const props = {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config': 'x.OAuthBearerLoginModule required clientId="c" clientSecret="s";',
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example/token',
    };
    expect(parseSecurity(props).sasl?.tokenEndpointUrl).toBe('https://idp.example/token');
    expect(securityToProperties(parseSecurity(props))).toEqual(props);
  });
});
