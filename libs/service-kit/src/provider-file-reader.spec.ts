import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMirrorConfig } from '@mirrormaker/config';
import { providerFileReader } from './provider-file-reader';

describe('providerFileReader', () => {
  const root = mkdtempSync(join(tmpdir(), 'provider-dirs-'));
  const configDir = join(root, 'etc-mm');
  const secrets = join(root, 'secrets');
  const elsewhere = join(root, 'elsewhere');
  for (const dir of [configDir, secrets, elsewhere]) mkdirSync(dir);
  const configPath = join(configDir, 'mm2.properties');
  writeFileSync(configPath, 'clusters = A\n');
  writeFileSync(join(configDir, 'kafka.properties'), 'password = in-config-dir\n');
  writeFileSync(join(secrets, 'kafka.properties'), 'password = in-secrets\n');
  writeFileSync(join(elsewhere, 'shadow.properties'), 'root = hash\n');
  symlinkSync(join(elsewhere, 'shadow.properties'), join(secrets, 'link.properties'));

  it('reads under the directory of --config by default, and the --config file itself', () => {
    const read = providerFileReader({ configPath, configProviderDirs: [] });
    expect(read(join(configDir, 'kafka.properties'))).toContain('in-config-dir');
    expect(read(configPath)).toContain('clusters');
    expect(() => read(join(secrets, 'kafka.properties'))).toThrow(/outside the directories config providers may read/);
  });

  it('reads only under the given directories when --config-provider-dir is set', () => {
    const read = providerFileReader({ configPath, configProviderDirs: [secrets] });
    expect(read(join(secrets, 'kafka.properties'))).toContain('in-secrets');
    expect(read(configPath)).toContain('clusters');
    expect(() => read(join(configDir, 'kafka.properties'))).toThrow(/outside/);
  });

  it('cannot be led out with .. or a symlink', () => {
    const read = providerFileReader({ configPath, configProviderDirs: [secrets] });
    expect(() => read(join(secrets, '..', 'elsewhere', 'shadow.properties'))).toThrow(/outside/);
    expect(() => read(join(secrets, 'link.properties'))).toThrow(/outside/);
    expect(() => read(`${secrets}-sibling/x.properties`)).toThrow(/outside/);
  });

  it('reads nothing without --config or --config-provider-dir', () => {
    expect(() => providerFileReader({ configProviderDirs: [] })('/etc/passwd')).toThrow(/outside the directories config providers may read \(none/);
  });

  it('refuses a missing directory at start, naming the flag', () => {
    expect(() => providerFileReader({ configProviderDirs: [join(root, 'missing')] })).toThrow(/--config-provider-dir .*missing cannot be used: ENOENT/);
  });

  it('tells the operator in the config problem which path, which directories and which flag', () => {
    const { problems } = loadMirrorConfig('clusters = A\nA.bootstrap.servers = a:9092\nA.ssl.key.password = ${file:/etc/shadow:root}\n', {
      readFile: providerFileReader({ configPath, configProviderDirs: [secrets] }),
    });
    const problem = problems.find((p) => p.key === 'A.ssl.key.password' && p.severity === 'error')!;
    expect(problem.message).toContain('/etc/shadow');
    expect(problem.message).toContain(secrets);
    expect(problem.hint).toContain('--config-provider-dir');
  });
});
