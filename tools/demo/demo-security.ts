// The demo's gRPC security, made once under its working folder and reused by later runs: a local
// CA with one certificate for the services (localhost, 127.0.0.1), an operator token for you and a
// services token (worker + viewer) the services send each other. Only hashes go in the tokens file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newToken, tokensFileLine, type Role } from '@mirrormaker/service-kit';
import { localCa } from '@mirrormaker/testing';

export interface DemoSecurity {
  caCert: string;
  operatorTokenFile: string;
  /** Flags every demo service gets. */
  serviceArgs: string[];
}

function tokenIn(path: string): string {
  if (!existsSync(path)) writeFileSync(path, `${newToken()}\n`, { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

export function demoSecurity(workDir: string): DemoSecurity {
  const ca = localCa(join(workDir, 'tls'), 'mirrormaker demo CA');
  const { cert, key } = ca.issue('mirrormaker-demo');
  const callers: Array<[Role[], string, string]> = [
    [['operator'], 'operator.token', 'demo-operator'],
    [['worker', 'viewer'], 'services.token', 'demo-services'],
  ];
  const tokensFile = join(workDir, 'tokens');
  writeFileSync(tokensFile, [...callers.map(([roles, file, name]) => tokensFileLine(roles, tokenIn(join(workDir, file)), name)), ''].join('\n'));
  return {
    caCert: ca.caCert,
    operatorTokenFile: join(workDir, 'operator.token'),
    serviceArgs: ['--tls-cert', cert, '--tls-key', key, '--tls-ca', ca.caCert, '--tokens-file', tokensFile, '--token-file', join(workDir, 'services.token')],
  };
}
