import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowRef, parseCommandLine } from './cli-options';

describe('flowRef', () => {
  it('reads source->target, aliases with dashes included', () => {
    expect(flowRef('us-east->us-west', '--flow')).toEqual({ source: 'us-east', target: 'us-west' });
  });

  it.each(['primary', '->backup', 'a->', 'a->b->c', 'a -> b', undefined])('refuses %p naming the form it wants', (text) => {
    expect(() => flowRef(text, 'flows get')).toThrow(/flows get needs a flow written source->target/);
  });
});

describe('parseCommandLine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorctl-flags-'));
  const tokenFile = join(dir, 'ops.token');
  writeFileSync(tokenFile, 'secret-token\n');

  it('takes the coordinator and token from the environment when no flag is given, the flag winning', () => {
    const env = { MM_COORDINATOR: 'env-host:7000', MM_TOKEN: 'from-env' };
    expect(parseCommandLine(['status'], env).connection()).toMatchObject({ coordinator: 'env-host:7000', tokenSource: 'MM_TOKEN' });
    expect(parseCommandLine(['status', '--coordinator', 'a:1,b:2', '--token-file', tokenFile], env).connection()).toMatchObject({
      coordinator: 'a:1,b:2',
      tokenSource: `--token-file ${tokenFile}`,
    });
  });

  it('defaults to the local coordinator over TLS without a token', () => {
    expect(parseCommandLine(['status'], {}).connection()).toMatchObject({ coordinator: 'localhost:7000', tokenSource: undefined, timeoutMs: 15_000 });
  });

  it('refuses contradictions and unreadable files, naming the flag', () => {
    expect(() => parseCommandLine(['status', '--insecure-plaintext', '--tls-ca', 'ca.pem'], {}).connection()).toThrow(/one of the two is a mistake/);
    expect(() => parseCommandLine(['status', '--tls-cert', 'c.pem'], {}).connection()).toThrow(/--tls-cert and --tls-key go together/);
    expect(() => parseCommandLine(['status', '--tls-ca', join(dir, 'missing.pem')], {}).connection()).toThrow(/cannot read --tls-ca '.*missing\.pem': ENOENT/);
    const empty = join(dir, 'empty.token');
    writeFileSync(empty, '\n');
    expect(() => parseCommandLine(['status', '--token-file', empty], {}).connection()).toThrow(/is empty/);
    expect(() => parseCommandLine(['status', '--timeout-ms', 'soon'], {}).connection()).toThrow(/--timeout-ms must be a positive number/);
  });

  it('refuses a flag the command does not use instead of ignoring it', () => {
    const line = parseCommandLine(['flows', 'list', '--set', 'a=b', '--json'], {});
    expect(() => line.only('flows list', [])).toThrow("--set does not apply to 'flows list'");
    expect(() => parseCommandLine(['flows', 'patch', 'a->b', '--set', 'a=b', '--json'], {}).only('flows patch', ['set', 'unset'])).not.toThrow();
  });

  it('refuses an unknown flag, pointing at --help', () => {
    expect(() => parseCommandLine(['status', '--colour'], {})).toThrow(/--colour.*mirrorctl --help/);
  });
});
