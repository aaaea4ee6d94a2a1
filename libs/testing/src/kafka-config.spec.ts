import {
  DEFAULT_PORTS,
  DEFAULT_USERS,
  brokerProperties,
  jvmOptions,
  log4j2Properties,
  newClusterId,
  plainJaasConfig,
  portsFromBase,
  saslClientProperties,
  tlsJvmOptions,
} from './kafka-config';

const ports = { plaintext: 19092, sasl: 19093, controller: 19094 };
const users = { admin: 'admin-secret', alice: 'alice-secret' };

describe('brokerProperties', () => {
  const props = brokerProperties({ ports, logDir: '/data/source', users });

  it('configures a combined KRaft node with three loopback listeners', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['node.id']).toBe(1);
    expect(props['controller.quorum.bootstrap.servers']).toBe('127.0.0.1:19094');
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19094');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19093');
    expect(props['controller.listener.names']).toBe('CONTROLLER');
    expect(props['inter.broker.listener.name']).toBe('PLAINTEXT');
    expect(props['log.dirs']).toBe('/data/source');
    expect(props).not.toHaveProperty('controller.quorum.voters');
  });

  it('adds a PROXIED listener that advertises the proxy port, not its own', () => {
    const proxied = brokerProperties({ ports: { ...ports, proxied: 19095, proxiedAdvertised: 19096 }, logDir: '/data', users });
    expect(proxied.listeners).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19094,PROXIED://127.0.0.1:19095');
    expect(proxied['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19093,PROXIED://127.0.0.1:19096');
    expect(proxied['listener.security.protocol.map']).toBe('PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:PLAINTEXT');
    expect(() => brokerProperties({ ports: { ...ports, proxied: 19095 }, logDir: '/data', users })).toThrow('PROXIED listener needs');
  });

  it('turns on SASL/PLAIN and the StandardAuthorizer with ANONYMOUS and admin as super users', () => {
    expect(props['sasl.enabled.mechanisms']).toBe('PLAIN,SCRAM-SHA-512');
    expect(props['listener.name.sasl_plaintext.plain.sasl.jaas.config']).toBe(plainJaasConfig(users));
    expect(props['authorizer.class.name']).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props['super.users']).toBe('User:ANONYMOUS;User:admin');
    expect(props['allow.everyone.if.no.acl.found']).toBe(false);
  });

  it('uses single-node replication settings and no topic auto-creation', () => {
    expect(props['offsets.topic.replication.factor']).toBe(1);
    expect(props['transaction.state.log.replication.factor']).toBe(1);
    expect(props['transaction.state.log.min.isr']).toBe(1);
    expect(props['share.coordinator.state.topic.replication.factor']).toBe(1);
    expect(props['group.initial.rebalance.delay.ms']).toBe(0);
    expect(props['auto.create.topics.enable']).toBe(false);
    expect(props['delete.topic.enable']).toBe(true);
    expect(props['num.partitions']).toBe(1);
  });

  it('applies overrides, and undefined removes a default', () => {
    const p = brokerProperties({
      ports,
      logDir: '/d',
      users,
      superUsers: ['root'],
      overrides: { 'num.partitions': 3, 'log.cleaner.dedupe.buffer.size': undefined, 'message.max.bytes': 2000000 },
    });
    expect(p['num.partitions']).toBe(3);
    expect(p['message.max.bytes']).toBe(2000000);
    expect(p).not.toHaveProperty('log.cleaner.dedupe.buffer.size');
    expect(p['super.users']).toBe('User:ANONYMOUS;User:root');
  });

  it('rejects names that would break the configuration', () => {
    expect(() => brokerProperties({ ports, logDir: '/d', users: { 'bad name': 'x' } })).toThrow(/invalid username/);
    expect(() => brokerProperties({ ports, logDir: '/d', users, superUsers: ['a;b'] })).toThrow(/invalid super user/);
  });
});

describe('JAAS and client settings', () => {
  it('lists every user for the broker', () => {
    expect(plainJaasConfig({ admin: 'a', bob: 'b' })).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="a" user_bob="b";',
    );
    expect(() => plainJaasConfig({})).toThrow(/at least one/);
    expect(() => plainJaasConfig({ eve: 'has"quote' })).toThrow(/must not contain/);
  });

  it('builds SASL/PLAIN client properties', () => {
    expect(saslClientProperties(DEFAULT_USERS.alice)).toEqual({
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";',
    });
  });
});

describe('newClusterId', () => {
  it('is 22 URL-safe base64 characters', () => {
    for (let i = 0; i < 50; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  it('never starts with "-" and skips reserved ids', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0), Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex')];
    const random = (): Buffer => draws.shift() as Buffer;
    expect(newClusterId(random)).toBe(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex').toString('base64url'));
  });
});

describe('ports, JVM and logging', () => {
  it('derives SASL and controller ports from the base port', () => {
    expect(portsFromBase(19092)).toEqual(ports);
    expect(DEFAULT_PORTS.source).toEqual(ports);
    expect(DEFAULT_PORTS.target).toEqual({ plaintext: 29092, sasl: 29093, controller: 29094 });
  });

  it('starts fast by default and uses the full JIT for benchmarks', () => {
    expect(jvmOptions()).toContain('-XX:TieredStopAtLevel=1');
    expect(jvmOptions()).toContain('-Xmx384m');
    expect(jvmOptions('full-jit')).not.toContain('-XX:TieredStopAtLevel=1');
    expect(jvmOptions('full-jit')).toContain('-Xmx1g');
  });

  it('logs to the given file', () => {
    const p = log4j2Properties('/x/server.log');
    expect(p['appender.file.fileName']).toBe('/x/server.log');
    expect(p['rootLogger.level']).toBe('INFO');
  });
});

describe('brokerProperties with TLS listeners', () => {
  const tlsPorts = { ...ports, ssl: 19095, saslSsl: 19096, misnamedSsl: 19097 };
  const tls = {
    keystore: '/tls/broker.p12',
    keystorePassword: 'pw',
    truststore: '/tls/trust.p12',
    truststorePassword: 'pw',
    misnamedKeystore: '/tls/misnamed.p12',
    oauth: { jwksUrl: 'http://127.0.0.1:8080/jwks', audience: 'kafka' },
  };
  const props = brokerProperties({ ports: tlsPorts, logDir: '/data', users, tls });

  it('adds SSL with client certificates required, SASL_SSL with every mechanism, and MISNAMED', () => {
    expect(props.listeners).toBe(
      'PLAINTEXT://127.0.0.1:19092,SASL_PLAINTEXT://127.0.0.1:19093,SSL://127.0.0.1:19095,SASL_SSL://127.0.0.1:19096,MISNAMED://127.0.0.1:19097,CONTROLLER://127.0.0.1:19094',
    );
    expect(props['listener.security.protocol.map']).toContain('MISNAMED:SSL');
    expect(props['listener.name.ssl.ssl.client.auth']).toBe('required');
    expect(props['listener.name.misnamed.ssl.keystore.location']).toBe('/tls/misnamed.p12');
    expect(props['listener.name.sasl_ssl.sasl.enabled.mechanisms']).toBe('PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER');
    expect(props['listener.name.sasl_ssl.oauthbearer.sasl.oauthbearer.jwks.endpoint.url']).toBe('http://127.0.0.1:8080/jwks');
    expect(tlsJvmOptions(tls)).toEqual(['-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=http://127.0.0.1:8080/jwks']);
  });

  it('needs the ports of the TLS listeners', () => {
    expect(() => brokerProperties({ ports, logDir: '/data', users, tls })).toThrow('TLS listeners need ports.ssl and ports.saslSsl');
  });
});
