/**
 * Turns Java-style trust and key stores (`ssl.truststore.*`, `ssl.keystore.*`: JKS, PKCS12 or PEM)
 * into what Node's TLS takes. Node reads PEM, and PKCS12 only as a store holding a private key
 * (`pfx`), so JKS is read by java-keystore.ts and the certificates of a PKCS12 truststore with
 * node-forge.
 */
import type forgeModule from 'node-forge';
import { KafkaError } from './errors';
import { readJavaKeyStore } from './java-keystore';

/** Store types as Java names them (`ssl.*store.type`); the config lib validates the text. */
export type StoreType = 'JKS' | 'PKCS12' | 'PEM';

/** Client certificate and key in the form Node's TLS takes. */
export interface ClientKeyMaterial {
  cert?: string;
  key?: string;
  pfx?: Buffer;
  passphrase?: string;
}

/** The certificates a truststore holds, PEM. */
export function trustedCertificates(type: StoreType, bytes: Buffer, password: string | undefined, what: string): string[] {
  let certificates: string[];
  if (type === 'PEM') {
    certificates = bytes.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  } else if (type === 'JKS') {
    const store = readJavaKeyStore(bytes, password);
    certificates = [...store.trustedCertificates];
  } else {
    certificates = pkcs12Certificates(bytes, password, what);
  }
  if (certificates.length === 0) throw new KafkaError('INVALID_CONFIG', `${what} holds no certificate`);
  return certificates;
}

/** The client certificate chain and private key of a keystore. */
export function clientKeyMaterial(
  type: StoreType,
  bytes: Buffer,
  storePassword: string | undefined,
  keyPassword: string | undefined,
  what: string,
): ClientKeyMaterial {
  if (type === 'PEM') {
    // One file with the private key (encrypted with ssl.key.password, or not) and the chain.
    const text = bytes.toString('utf8');
    return { cert: text, key: text, ...(keyPassword === undefined ? {} : { passphrase: keyPassword }) };
  }
  if (type === 'PKCS12') {
    // PKCS12 stores made by keytool protect keys with the store password.
    return { pfx: bytes, ...(storePassword === undefined ? {} : { passphrase: storePassword }) };
  }
  const store = readJavaKeyStore(bytes, storePassword, keyPassword);
  const [entry, ...others] = store.privateKeys;
  if (entry === undefined) throw new KafkaError('INVALID_CONFIG', `${what} holds no private key`);
  if (others.length > 0) {
    throw new KafkaError('INVALID_CONFIG', `${what} holds ${store.privateKeys.length} private keys (${store.privateKeys.map((e) => e.alias).join(', ')}); keep only the client's`);
  }
  return { cert: entry.chainPem.join(''), key: entry.keyPem };
}

/** node-forge takes most of a second to load and only PKCS12 truststores need it: loaded on first use. */
function loadForge(): typeof forgeModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  return require('node-forge') as typeof forgeModule;
}

function pkcs12Certificates(bytes: Buffer, password: string | undefined, what: string): string[] {
  const forge = loadForge();
  let p12: forgeModule.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), password ?? '');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new KafkaError('INVALID_CONFIG', `${what} cannot be read as PKCS12 (wrong password or not a PKCS12 file): ${reason}`);
  }
  const bags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  return bags.flatMap((bag) => {
    // forge decodes RSA certificates only; the DER of any other is still there.
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    if (!asn1) return [];
    const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
    return [`-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`];
  });
}
