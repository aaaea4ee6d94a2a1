import { fileProviderName, resolveProviderReferences, type ProviderSources } from './config-providers';
import type { Problem } from './problems';

const declared = [
  { key: 'config.providers', value: 'file, env, dir', line: 1 },
  { key: 'config.providers.file.class', value: 'org.apache.kafka.common.config.provider.FileConfigProvider', line: 2 },
  { key: 'config.providers.env.class', value: 'EnvVarConfigProvider', line: 3 },
  { key: 'config.providers.dir.class', value: 'org.apache.kafka.common.config.provider.DirectoryConfigProvider', line: 4 },
];

const files: Record<string, string> = {
  '/secrets/a.properties': 'password = p@ss\nuser: mirror\n',
  '/run/secrets/token': 'tok-123',
};
const sources: ProviderSources = {
  env: { B_PASSWORD: 'env-secret', EMPTY: '' },
  readFile: (path) => {
    const text = files[path];
    if (text === undefined) throw new Error('ENOENT');
    return text;
  },
};

function resolve(values: Record<string, string>, extra: typeof declared = [], src: ProviderSources = sources) {
  const problems: Problem[] = [];
  const entries = [...declared, ...extra, ...Object.entries(values).map(([key, value], i) => ({ key, value, line: 10 + i }))];
  const result = resolveProviderReferences(entries, src, problems);
  const byKey = Object.fromEntries(result.entries.map((e) => [e.key, e.value]));
  return { byKey, provided: result.provided, problems };
}

describe('resolveProviderReferences', () => {
  it('resolves file, env and directory references, also inside longer values', () => {
    const { byKey, provided, problems } = resolve({
      'A.sasl.jaas.config': 'PlainLoginModule required username="${file:/secrets/a.properties:user}" password="${file:/secrets/a.properties:password}";',
      'B.ssl.key.password': '${env:B_PASSWORD}',
      'C.token': '${dir:/run/secrets:token}',
      plain: 'no reference',
    });
    expect(problems).toEqual([]);
    expect(byKey['A.sasl.jaas.config']).toBe('PlainLoginModule required username="mirror" password="p@ss";');
    expect(byKey['B.ssl.key.password']).toBe('env-secret');
    expect(byKey['C.token']).toBe('tok-123');
    expect(byKey['plain']).toBe('no reference');
    expect(Object.keys(provided).sort()).toEqual(['A.sasl.jaas.config', 'B.ssl.key.password', 'C.token']);
    expect(provided['B.ssl.key.password']).toBe('${env:B_PASSWORD}');
  });

  it('resolves an empty environment variable to an empty value', () => {
    expect(resolve({ x: 'a${env:EMPTY}b' }).byKey['x']).toBe('ab');
  });

  it('reports unresolvable references with their line and keeps the text as written', () => {
    const { byKey, problems, provided } = resolve({
      missingVar: '${env:NOPE}',
      missingKey: '${file:/secrets/a.properties:nope}',
      missingFile: '${file:/nowhere.properties:k}',
      unknownProvider: '${vault:secret/x:y}',
      envWithPath: '${env:/p:B_PASSWORD}',
    });
    expect(byKey['missingVar']).toBe('${env:NOPE}');
    expect(provided).toEqual({});
    expect(problems.map((p) => [p.key, p.line, p.severity, p.code])).toEqual([
      ['missingVar', 10, 'error', 'provider'],
      ['missingKey', 11, 'error', 'provider'],
      ['missingFile', 12, 'error', 'provider'],
      ['unknownProvider', 13, 'error', 'provider'],
      ['envWithPath', 14, 'error', 'provider'],
    ]);
    expect(problems[2]!.message).toContain('/nowhere.properties');
    expect(problems[3]!.hint).toContain('config.providers=vault');
  });

  it('never puts a resolved value into a problem message', () => {
    const { problems } = resolve({ a: '${env:B_PASSWORD} ${env:NOPE}' });
    expect(JSON.stringify(problems)).not.toContain('env-secret');
  });

  it('does not transform the config.providers keys themselves', () => {
    const { byKey } = resolve({}, [{ key: 'config.providers.file.param.x', value: '${env:B_PASSWORD}', line: 5 }]);
    expect(byKey['config.providers.file.param.x']).toBe('${env:B_PASSWORD}');
  });

  it('honours the env allowlist and the file allowed.paths parameters', () => {
    const { byKey, problems } = resolve(
      { ok: '${env:B_PASSWORD}', denied: '${env:EMPTY}', outside: '${dir:/run/secrets/../../etc:passwd}', inside: '${file:/secrets/./a.properties:user}' },
      [
        { key: 'config.providers.env.param.allowlist.pattern', value: 'B_.*', line: 5 },
        { key: 'config.providers.dir.param.allowed.paths', value: '/run/secrets', line: 6 },
        { key: 'config.providers.file.param.allowed.paths', value: '/secrets,/other', line: 7 },
      ],
    );
    expect(byKey['ok']).toBe('env-secret');
    expect(byKey['inside']).toBe('mirror');
    expect(problems.map((p) => p.key)).toEqual(['denied', 'outside']);
  });

  it('reports providers without a class or with a class that cannot be loaded', () => {
    const problems: Problem[] = [];
    resolveProviderReferences(
      [
        { key: 'config.providers', value: 'a,b', line: 1 },
        { key: 'config.providers.b.class', value: 'com.example.VaultConfigProvider', line: 2 },
      ],
      sources,
      problems,
    );
    expect(problems.map((p) => [p.code, p.key, p.line])).toEqual([
      ['provider', 'config.providers.a.class', 1],
      ['unsupported-class', 'config.providers.b.class', 2],
    ]);
  });

  it('makes file and env available without config.providers, warning once per provider', () => {
    const problems: Problem[] = [];
    const result = resolveProviderReferences(
      [
        { key: 'a', value: '${env:B_PASSWORD}', line: 1 },
        { key: 'b', value: '${env:B_PASSWORD}', line: 2 },
      ],
      sources,
      problems,
    );
    expect(result.entries.map((e) => e.value)).toEqual(['env-secret', 'env-secret']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'provider', line: 1 })]);
  });

  it('reads each properties file once', () => {
    let reads = 0;
    resolve({ a: '${file:/secrets/a.properties:user}', b: '${file:/secrets/a.properties:password}' }, [], {
      readFile: (path) => {
        reads++;
        return files[path]!;
      },
    });
    expect(reads).toBe(1);
  });

  it('reports a missing readFile instead of failing', () => {
    const { problems } = resolve({ a: '${file:/secrets/a.properties:user}' }, [], { env: {} });
    expect(problems[0]!.message).toContain('no file reader');
  });

  it("passes on the fix a refusing file reader names instead of the generic one", () => {
    const refusing: ProviderSources = {
      readFile: (path) => {
        throw Object.assign(new Error(`${path} is outside the allowed directories`), { hint: 'allow it with --config-provider-dir' });
      },
    };
    const { problems } = resolve({ 'A.ssl.key.password': '${file:/etc/shadow:root}', 'C.token': '${dir:/etc:shadow}' }, [], refusing);
    expect(problems.map((p) => [p.key, p.message, p.hint])).toEqual([
      ['A.ssl.key.password', 'cannot read /etc/shadow: /etc/shadow is outside the allowed directories', 'allow it with --config-provider-dir'],
      ['C.token', 'cannot read /etc/shadow: /etc/shadow is outside the allowed directories', 'allow it with --config-provider-dir'],
    ]);
  });
});

describe('fileProviderName', () => {
  it('is file for the implicit providers, else the declared FileConfigProvider, else none', () => {
    expect(fileProviderName([])).toBe('file');
    expect(fileProviderName(declared)).toBe('file');
    expect(
      fileProviderName([
        { key: 'config.providers', value: 'vault, secrets' },
        { key: 'config.providers.vault.class', value: 'EnvVarConfigProvider' },
        { key: 'config.providers.secrets.class', value: 'org.apache.kafka.common.config.provider.FileConfigProvider' },
      ]),
    ).toBe('secrets');
    expect(fileProviderName([{ key: 'config.providers', value: 'env' }, { key: 'config.providers.env.class', value: 'EnvVarConfigProvider' }])).toBeUndefined();
  });
});
