/**
 * A throw-away certificate authority for loopback TLS: tests and the demo make one in a directory
 * of their own at run time (keys are never committed). Node cannot create X.509 certificates, so
 * this runs the machine's `openssl`. Certificates are for `localhost` and `127.0.0.1` unless told otherwise, and usable
 * as server and client certificate (the common name tells mTLS callers apart).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertificateFiles {
  cert: string;
  key: string;
}

export interface LocalCa {
  dir: string;
  /** PEM of the CA certificate: what clients and mTLS servers trust (`--tls-ca`). */
  caCert: string;
  /**
   * Issues (or reuses, when its files exist) a certificate with common name `cn`, for `altNames`
   * (subject alternative names, default `DNS:localhost,IP:127.0.0.1`).
   */
  issue(cn: string, altNames?: string): CertificateFiles;
}

function openssl(args: string[], cwd: string): void {
  const res = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (res.error) throw new Error(`openssl is needed to make local TLS certificates: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`openssl ${args[0]} failed: ${res.stderr.trim()}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes (or reuses) the CA in `dir`. */
export function localCa(dir: string, name = 'mirrormaker local CA'): LocalCa {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCert = join(dir, 'ca.crt');
  if (!existsSync(caCert)) {
    openssl(
      ['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', `/CN=${name}`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
      dir,
    );
  }
  return {
    dir,
    caCert,
    issue(cn, altNames = 'DNS:localhost,IP:127.0.0.1') {
      const base = cn.replace(/[^A-Za-z0-9._-]/g, '_');
      const files = { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
      if (existsSync(files.cert) && existsSync(files.key)) return files;
      writeFileSync(
        join(dir, `${base}.ext`),
        ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${altNames}`, ''].join('\n'),
      );
      openssl(['req', ...EC_KEY, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`], dir);
      openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${base}.crt`, '-days', '30', '-extfile', `${base}.ext`], dir);
      return files;
    },
  };
}
