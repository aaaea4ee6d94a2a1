import { parseServiceFlags, usage } from '../service-flags';
import { CallerRegistry, hashToken, tokensFileLine } from './caller-registry';
import { requirementOf, rolesAllow, unmappedMethods } from './roles';
import { ControlServiceService, LeaseServiceService, OffsetSyncServiceService } from '@mirrormaker/proto';

const defaults = { grpcPort: 7000, metricsPort: 9400 };
const parse = (argv: string[], env: Record<string, string> = {}) => parseServiceFlags('coordinator', argv, env, defaults).security;
const tls = ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'];

describe('security flags', () => {
  it('refuses to start with neither TLS nor --insecure-plaintext, naming both', () => {
    expect(() => parse([])).toThrow(/pass --tls-cert and --tls-key .* or --insecure-plaintext/);
  });

  it('takes TLS from flags or MM_* variables, and the client token from MM_TOKEN', () => {
    expect(parse([...tls, '--tokens-file', 't'])).toMatchObject({ tlsCert: 'c.pem', tlsKey: 'k.pem', tokensFile: 't', tlsClientAuth: 'none', insecurePlaintext: false });
    expect(parse([], { MM_TLS_CERT: 'c', MM_TLS_KEY: 'k', MM_TOKENS_FILE: 't', MM_TOKEN: 'secret', MM_TOKEN_FILE: 'f' })).toMatchObject({
      tlsCert: 'c',
      token: 'secret',
      tokenFile: 'f',
    });
  });

  it('refuses TLS that nobody could call: no tokens file and no client subjects', () => {
    expect(() => parse(tls)).toThrow(/nobody could call this service/);
  });

  it('needs a CA and client auth for mTLS subjects', () => {
    expect(() => parse([...tls, '--tls-client-auth', 'require'])).toThrow(/needs --tls-ca/);
    expect(() => parse([...tls, '--tls-client-subjects-file', 's'])).toThrow(/needs --tls-client-auth require/);
    expect(() => parse([...tls, '--tls-client-auth', 'maybe'])).toThrow(/must be one of none, require/);
    expect(parse([...tls, '--tls-ca', 'ca', '--tls-client-auth', 'require', '--tls-client-subjects-file', 's'])).toMatchObject({ tlsClientAuth: 'require' });
  });

  it('refuses --insecure-plaintext together with TLS flags, and takes it from MM_INSECURE_PLAINTEXT', () => {
    expect(() => parse(['--insecure-plaintext', ...tls])).toThrow(/cannot be combined/);
    expect(parse([], { MM_INSECURE_PLAINTEXT: 'true' }).insecurePlaintext).toBe(true);
    expect(usage('coordinator', defaults)).toContain('--insecure-plaintext');
  });
});

describe('caller registry', () => {
  const registry = CallerRegistry.parse({
    tokens: { file: 'tokens', text: ['# comment', '', tokensFileLine(['operator'], 'op-token', 'alice'), tokensFileLine(['worker', 'viewer'], 'svc-token', 'services')].join('\n') },
    subjects: { file: 'subjects', text: 'viewer dashboards.example\n' },
  });

  it('stores only hashes, the same as sha256sum of the token', () => {
    expect(hashToken('test')).toBe('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    expect(tokensFileLine(['operator'], 'test', 'alice')).toBe('operator 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 alice');
  });

  it('finds callers by token and by certificate subject', () => {
    expect(registry.byToken('op-token')).toEqual({ name: 'alice', roles: ['operator'] });
    expect(registry.byToken('svc-token')).toEqual({ name: 'services', roles: ['worker', 'viewer'] });
    expect(registry.byToken('op-token ')).toBeUndefined();
    expect(registry.bySubject('dashboards.example')).toEqual({ name: 'cn=dashboards.example', roles: ['viewer'] });
    expect(registry.bySubject('other')).toBeUndefined();
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => CallerRegistry.parse({ tokens: { file: '/etc/mm/tokens', text: '\nadmin 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 root' } })).toThrow(
      "/etc/mm/tokens line 2: unknown role 'admin'",
    );
    expect(() => CallerRegistry.parse({ tokens: { file: 't', text: 'operator plain-token alice' } })).toThrow(/t line 1: expected '<roles> <sha256-hex/);
  });
});

describe('role table', () => {
  it('covers every method of our services', () => {
    for (const definition of [ControlServiceService, LeaseServiceService, OffsetSyncServiceService]) expect(unmappedMethods(definition)).toEqual([]);
  });

  it('makes operator include viewer, keeps worker to leases, and leaves health public', () => {
    expect(rolesAllow(['operator'], requirementOf('/mirrormaker.v1.ControlService/GetStatus')!)).toBe(true);
    expect(rolesAllow(['viewer'], requirementOf('/mirrormaker.v1.ControlService/DrainInstance')!)).toBe(false);
    expect(rolesAllow(['worker'], requirementOf('/mirrormaker.v1.ControlService/ListFlows')!)).toBe(false);
    expect(rolesAllow(['operator'], requirementOf('/mirrormaker.v1.LeaseService/Session')!)).toBe(false);
    expect(requirementOf('/grpc.health.v1.Health/Check')).toBe('public');
    expect(requirementOf('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toBe('viewer');
    expect(requirementOf('/mirrormaker.v1.Unknown/Call')).toBeUndefined();
  });
});
