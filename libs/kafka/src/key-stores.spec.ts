import { localCa, testKeyStores, type TestKeyStores } from '@mirrormaker/testing';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJavaKeyStore } from './java-keystore';
import { clientKeyMaterial, trustedCertificates } from './key-stores';

// Stores made by the JDK's keytool and openssl, as users bring them.
describe('trust and key stores', () => {
  let dir: string;
  let stores: TestKeyStores;
  let caPem: string;
  let clientCert: X509Certificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-key-stores-'));
    const ca = localCa(dir);
    stores = testKeyStores(ca, 'store-test');
    caPem = readFileSync(ca.caCert, 'utf8');
    clientCert = new X509Certificate(readFileSync(ca.issue('store-test').cert));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fingerprints = (pems: readonly string[]): string[] => pems.map((p) => new X509Certificate(p).fingerprint256);

  it.each([
    ['JKS', () => stores.truststoreJks],
    ['PKCS12', () => stores.truststoreP12],
    ['PEM', () => stores.truststorePem],
  ] as const)('reads the CA certificate of a %s truststore', (type, file) => {
    expect(fingerprints(trustedCertificates(type, readFileSync(file()), stores.storePassword, 'truststore'))).toEqual(fingerprints([caPem]));
  });

  it('decrypts the private key of a JKS keystore with its own key password, matching the certificate', () => {
    const store = readJavaKeyStore(readFileSync(stores.keystoreJks), stores.storePassword, stores.keyPassword);
    expect(store.privateKeys).toHaveLength(1);
    const [entry] = store.privateKeys;
    const leaf = new X509Certificate(entry!.chainPem[0]!);
    expect(leaf.fingerprint256).toBe(clientCert.fingerprint256);
    expect(leaf.checkPrivateKey(createPrivateKey(entry!.keyPem))).toBe(true);
    const material = clientKeyMaterial('JKS', readFileSync(stores.keystoreJks), stores.storePassword, stores.keyPassword, 'keystore');
    expect(material.key).toBe(entry!.keyPem);
  });

  it('says which password is wrong, without quoting any', () => {
    const bytes = readFileSync(stores.keystoreJks);
    expect(() => readJavaKeyStore(bytes, 'not-the-store-password', stores.keyPassword)).toThrow(/store password is wrong/);
    // Java uses the store password for the key when ssl.key.password is unset.
    expect(() => readJavaKeyStore(bytes, stores.storePassword)).toThrow(/set ssl.key.password when it differs/);
    expect(() => readJavaKeyStore(bytes, stores.storePassword, 'wrong-key-password')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('wrong-key-password') as unknown }),
    );
  });

  it('refuses what is not a JKS store, and a PKCS12 store with the wrong password', () => {
    expect(() => readJavaKeyStore(readFileSync(stores.truststoreP12), stores.storePassword)).toThrow(/not a JKS store/);
    expect(() => trustedCertificates('PKCS12', readFileSync(stores.truststoreP12), 'wrong', 'truststore.p12')).toThrow(/truststore.p12 cannot be read as PKCS12/);
  });

  it('passes PKCS12 keystores and PEM keystores to TLS with their passwords', () => {
    expect(clientKeyMaterial('PKCS12', readFileSync(stores.keystoreP12), stores.storePassword, undefined, 'k')).toEqual({
      pfx: readFileSync(stores.keystoreP12),
      passphrase: stores.storePassword,
    });
    const pem = readFileSync(stores.keystorePem, 'utf8');
    expect(clientKeyMaterial('PEM', Buffer.from(pem), undefined, stores.keyPassword, 'k')).toEqual({ cert: pem, key: pem, passphrase: stores.keyPassword });
  });
});
