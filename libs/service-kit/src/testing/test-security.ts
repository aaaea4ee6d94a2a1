/**
 * TLS and tokens for tests of the secure path: a local CA made at run time in a temp directory (one
 * per test process), a certificate per name, and one token per role in a tokens file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { localCa, type LocalCa } from '@mirrormaker/testing';
import { CallerRegistry, newToken, tokensFileLine } from '../security/caller-registry';
import { tlsClient, type ClientSecurity, type ServerSecurity } from '../security/grpc-security';

/** `services` is what our processes send each other: worker for the lease session, viewer for forwarded reads. */
export type TestCaller = 'operator' | 'viewer' | 'worker' | 'services';

export interface TestSecurity {
  ca: LocalCa;
  tokens: Record<TestCaller, string>;
  tokensFile: string;
  /** Files holding each token, for `--token-file`. */
  tokenFiles: Record<TestCaller, string>;
  /** Flags of a service serving TLS with the tokens file, sending the `services` token. */
  serviceArgs(cn?: string): string[];
  /** Server security of an in-process server: TLS with certificate `cn`, the tokens file, optional mTLS subjects. */
  server(options?: { cn?: string; subjects?: string }): ServerSecurity;
  /** A client trusting the CA, with a caller's token (or none) and optionally a client certificate. */
  client(caller?: TestCaller, clientCertCn?: string): ClientSecurity;
}

let shared: TestSecurity | undefined;

export function testSecurity(): TestSecurity {
  if (shared) return shared;
  const dir = mkdtempSync(join(tmpdir(), 'mm-tls-'));
  const ca = localCa(join(dir, 'ca'), 'mirrormaker test CA');
  const tokens: Record<TestCaller, string> = { operator: newToken(), viewer: newToken(), worker: newToken(), services: newToken() };
  const tokensFile = join(dir, 'tokens');
  writeFileSync(
    tokensFile,
    [
      '# test callers',
      tokensFileLine(['operator'], tokens.operator, 'test-operator'),
      tokensFileLine(['viewer'], tokens.viewer, 'test-viewer'),
      tokensFileLine(['worker'], tokens.worker, 'test-worker'),
      tokensFileLine(['worker', 'viewer'], tokens.services, 'test-services'),
      '',
    ].join('\n'),
  );
  const tokenFiles = Object.fromEntries(
    Object.entries(tokens).map(([caller, token]) => {
      const path = join(dir, `${caller}.token`);
      writeFileSync(path, `${token}\n`, { mode: 0o600 });
      return [caller, path];
    }),
  ) as Record<TestCaller, string>;
  const caPem = readFileSync(ca.caCert);
  shared = {
    ca,
    tokens,
    tokensFile,
    tokenFiles,
    serviceArgs(cn = 'localhost') {
      const { cert, key } = ca.issue(cn);
      return ['--tls-cert', cert, '--tls-key', key, '--tls-ca', ca.caCert, '--tokens-file', tokensFile, '--token-file', tokenFiles.services];
    },
    server({ cn = 'localhost', subjects } = {}) {
      const { cert, key } = ca.issue(cn);
      const pair = [{ cert_chain: readFileSync(cert), private_key: readFileSync(key) }];
      return {
        credentials: grpc.ServerCredentials.createSsl(subjects === undefined ? null : caPem, pair, subjects !== undefined),
        registry: CallerRegistry.parse({
          tokens: { file: tokensFile, text: readFileSync(tokensFile, 'utf8') },
          ...(subjects === undefined ? {} : { subjects: { file: 'subjects', text: subjects } }),
        }),
      };
    },
    client(caller, clientCertCn) {
      const cert = clientCertCn === undefined ? undefined : ca.issue(clientCertCn);
      return tlsClient(caPem, caller && tokens[caller], cert && { cert: readFileSync(cert.cert), key: readFileSync(cert.key) });
    },
  };
  return shared;
}
