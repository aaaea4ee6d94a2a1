/**
 * Java-style trust and key stores made at test time from a local CA: the same certificate and key
 * as JKS (with a key password of its own), PKCS12 and PEM (key encrypted with the key password),
 * as Kafka users keep them. Uses the machine's `openssl` and the JDK's `keytool`; nothing made here
 * is ever committed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findJava } from './kafka-distribution';
import type { LocalCa } from './local-ca';

export interface TestKeyStores {
  /** Password of every store. */
  storePassword: string;
  /** Password of the private key inside the JKS store and of the encrypted PEM key. */
  keyPassword: string;
  truststoreJks: string;
  truststoreP12: string;
  truststorePem: string;
  keystoreJks: string;
  keystoreP12: string;
  /** Encrypted PKCS#8 key followed by the certificate chain (Kafka's `ssl.keystore.type=PEM` file). */
  keystorePem: string;
}

function run(command: string, args: string[], cwd: string): void {
  const res = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (res.error) throw new Error(`${command} is needed to make test key stores: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${command} ${args[0]} failed: ${(res.stderr || res.stdout).trim()}`);
}

/** keytool next to the java that runs the brokers. */
export function keytoolCommand(): string {
  const java = findJava().command;
  const beside = join(dirname(java), 'keytool');
  return existsSync(beside) ? beside : 'keytool';
}

/** Makes (or reuses) the stores of certificate `cn` issued by `ca`, in the CA's directory. */
export function testKeyStores(ca: LocalCa, cn: string, storePassword = 'store-secret', keyPassword = 'key-secret'): TestKeyStores {
  const dir = ca.dir;
  const base = cn.replace(/[^A-Za-z0-9._-]/g, '_');
  const files: TestKeyStores = {
    storePassword,
    keyPassword,
    truststoreJks: join(dir, 'truststore.jks'),
    truststoreP12: join(dir, 'truststore.p12'),
    truststorePem: ca.caCert,
    keystoreJks: join(dir, `${base}.keystore.jks`),
    keystoreP12: join(dir, `${base}.keystore.p12`),
    keystorePem: join(dir, `${base}.keystore.pem`),
  };
  const keytool = keytoolCommand();
  const { cert, key } = ca.issue(cn);
  for (const [file, type] of [
    [files.truststoreJks, 'JKS'],
    [files.truststoreP12, 'PKCS12'],
  ] as const) {
    if (!existsSync(file)) {
      run(keytool, ['-importcert', '-noprompt', '-alias', 'ca', '-file', ca.caCert, '-keystore', file, '-storetype', type, '-storepass', storePassword], dir);
    }
  }
  if (!existsSync(files.keystoreP12)) {
    run('openssl', ['pkcs12', '-export', '-in', cert, '-inkey', key, '-certfile', ca.caCert, '-name', base, '-out', files.keystoreP12, '-passout', `pass:${storePassword}`], dir);
  }
  if (!existsSync(files.keystoreJks)) {
    run(
      keytool,
      ['-importkeystore', '-noprompt', '-srckeystore', files.keystoreP12, '-srcstoretype', 'PKCS12', '-srcstorepass', storePassword, '-srcalias', base,
        '-destkeystore', files.keystoreJks, '-deststoretype', 'JKS', '-deststorepass', storePassword, '-destkeypass', keyPassword, '-destalias', base],
      dir,
    );
  }
  if (!existsSync(files.keystorePem)) {
    const encrypted = join(dir, `${base}.encrypted.key`);
    run('openssl', ['pkcs8', '-topk8', '-in', key, '-out', encrypted, '-v2', 'aes-256-cbc', '-passout', `pass:${keyPassword}`], dir);
    writeFileSync(files.keystorePem, readFileSync(encrypted, 'utf8') + readFileSync(cert, 'utf8'));
  }
  return files;
}
