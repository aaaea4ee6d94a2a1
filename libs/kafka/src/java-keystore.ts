/**
 * Reads Java KeyStore (JKS) files, which Java clients accept as `ssl.truststore.type=JKS` and
 * `ssl.keystore.type=JKS` but Node's TLS cannot load. Only the JKS layout is read here (PKCS12 and
 * PEM have their own readers).
 *
 * Layout: magic 0xFEEDFEED, version 1 or 2, entry count, entries, then a SHA-1 integrity digest over
 * the store password (UTF-16BE), the salt text "Mighty Aphrodite" and every byte before the digest.
 * An entry is tagged 1 (private key: an EncryptedPrivateKeyInfo plus its certificate chain) or 2
 * (trusted certificate). Private keys use the JDK's own protection (OID 1.3.6.1.4.1.42.2.17.1.1): a
 * 20-byte salt, the key XORed with a SHA-1 keystream derived from the key password and the salt,
 * and a 20-byte SHA-1 check of password and plain key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { KafkaError } from './errors';

export interface JksPrivateKeyEntry {
  readonly alias: string;
  /** PKCS#8 private key, PEM. */
  readonly keyPem: string;
  /** The entry's certificate chain, leaf first, PEM. */
  readonly chainPem: readonly string[];
}

export interface JavaKeyStore {
  readonly privateKeys: readonly JksPrivateKeyEntry[];
  /** Trusted certificate entries, PEM. */
  readonly trustedCertificates: readonly string[];
}

// Messages name what is wrong and never contain a password.
function storeError(message: string): KafkaError {
  return new KafkaError('INVALID_CONFIG', message);
}

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
const PRIVATE_KEY_TAG = 1;
const TRUSTED_CERT_TAG = 2;
const DIGEST_LENGTH = 20;
const INTEGRITY_SALT = Buffer.from('Mighty Aphrodite', 'utf8');
const KEY_PROTECTOR_OID = '1.3.6.1.4.1.42.2.17.1.1';

/** True when the bytes start like a JKS or JCEKS store (for telling types apart in messages). */
export function looksLikeJavaKeyStore(bytes: Buffer): boolean {
  if (bytes.length < 4) return false;
  const magic = bytes.readUInt32BE(0);
  return magic === JKS_MAGIC || magic === JCEKS_MAGIC;
}

/**
 * Parses a JKS store and checks its integrity with `storePassword`. Private keys are decrypted
 * with `keyPassword` (default: the store password, as Java does when `ssl.key.password` is unset).
 */
export function readJavaKeyStore(bytes: Buffer, storePassword: string | undefined, keyPassword?: string): JavaKeyStore {
  const reader = new Reader(bytes);
  const magic = reader.u32();
  if (magic === JCEKS_MAGIC) {
    throw storeError('the store is JCEKS, not JKS; convert it with keytool -importkeystore -deststoretype PKCS12');
  }
  if (magic !== JKS_MAGIC) throw storeError('not a JKS store (wrong magic number)');
  const version = reader.u32();
  if (version !== 1 && version !== 2) throw storeError(`JKS version ${version} is not known`);
  const count = reader.u32();
  const privateKeys: Array<{ alias: string; protectedKey: Buffer; chain: Buffer[] }> = [];
  const trustedCertificates: string[] = [];
  for (let i = 0; i < count; i++) {
    const tag = reader.u32();
    const alias = reader.utf();
    reader.skip(8); // creation date
    if (tag === PRIVATE_KEY_TAG) {
      const protectedKey = reader.bytes(reader.u32());
      const chainLength = reader.u32();
      const chain: Buffer[] = [];
      for (let c = 0; c < chainLength; c++) chain.push(readCertificate(reader, version));
      privateKeys.push({ alias, protectedKey, chain });
    } else if (tag === TRUSTED_CERT_TAG) {
      trustedCertificates.push(toPem('CERTIFICATE', readCertificate(reader, version)));
    } else {
      throw storeError(`entry ${alias} has the unknown tag ${tag}`);
    }
  }
  const signed = bytes.subarray(0, reader.offset);
  const stored = reader.bytes(DIGEST_LENGTH);
  if (storePassword !== undefined) {
    const digest = createHash('sha1').update(passwordBytes(storePassword)).update(INTEGRITY_SALT).update(signed).digest();
    if (!timingSafeEqual(digest, stored)) {
      throw storeError('the store password is wrong or the store is damaged (integrity check failed)');
    }
  }
  const password = keyPassword ?? storePassword;
  return {
    trustedCertificates,
    privateKeys: privateKeys.map(({ alias, protectedKey, chain }) => {
      if (password === undefined) throw storeError(`the private key ${alias} needs a password (ssl.key.password or the store password)`);
      return {
        alias,
        keyPem: toPem('PRIVATE KEY', recoverKey(alias, protectedKey, password)),
        chainPem: chain.map((der) => toPem('CERTIFICATE', der)),
      };
    }),
  };
}

function readCertificate(reader: Reader, version: number): Buffer {
  if (version === 2) {
    const type = reader.utf();
    if (type !== 'X.509') throw storeError(`certificate type ${type} is not supported`);
  }
  return reader.bytes(reader.u32());
}

/** Undoes the JDK key protection: EncryptedPrivateKeyInfo → PKCS#8 DER. */
function recoverKey(alias: string, encryptedPrivateKeyInfo: Buffer, password: string): Buffer {
  const { algorithmOid, encrypted } = parseEncryptedPrivateKeyInfo(encryptedPrivateKeyInfo);
  if (algorithmOid !== KEY_PROTECTOR_OID) {
    throw storeError(`the private key ${alias} is protected with algorithm ${algorithmOid}, which a JKS store does not use`);
  }
  if (encrypted.length < 2 * DIGEST_LENGTH) throw storeError(`the private key ${alias} is truncated`);
  const salt = encrypted.subarray(0, DIGEST_LENGTH);
  const cipher = encrypted.subarray(DIGEST_LENGTH, encrypted.length - DIGEST_LENGTH);
  const check = encrypted.subarray(encrypted.length - DIGEST_LENGTH);
  const pw = passwordBytes(password);
  const plain = Buffer.alloc(cipher.length);
  let block: Buffer = salt;
  for (let offset = 0; offset < cipher.length; offset += DIGEST_LENGTH) {
    block = createHash('sha1').update(pw).update(block).digest();
    for (let i = 0; i < DIGEST_LENGTH && offset + i < cipher.length; i++) plain[offset + i] = cipher[offset + i]! ^ block[i]!;
  }
  const expected = createHash('sha1').update(pw).update(plain).digest();
  if (!timingSafeEqual(expected, check)) {
    throw storeError(`the password of private key ${alias} is wrong (set ssl.key.password when it differs from the store password)`);
  }
  return plain;
}

// EncryptedPrivateKeyInfo ::= SEQUENCE { SEQUENCE { OID, params }, OCTET STRING }
function parseEncryptedPrivateKeyInfo(der: Buffer): { algorithmOid: string; encrypted: Buffer } {
  const outer = derElement(der, 0, 0x30);
  const algorithm = derElement(der, outer.contentStart, 0x30);
  const oid = derElement(der, algorithm.contentStart, 0x06);
  const octets = derElement(der, algorithm.end, 0x04);
  return { algorithmOid: decodeOid(der.subarray(oid.contentStart, oid.end)), encrypted: der.subarray(octets.contentStart, octets.end) };
}

function derElement(der: Buffer, offset: number, tag: number): { contentStart: number; end: number } {
  if (der[offset] !== tag) throw storeError('a protected private key is not valid DER');
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += octets;
  }
  if (contentStart + length > der.length) throw storeError('a protected private key is truncated');
  return { contentStart, end: contentStart + length };
}

function decodeOid(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

// Java hashes passwords as UTF-16 big-endian code units.
function passwordBytes(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

class Reader {
  offset = 0;
  constructor(private readonly buffer: Buffer) {}

  private need(n: number): void {
    if (this.offset + n > this.buffer.length) throw storeError('the store is truncated');
  }

  u32(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  // Java's DataOutput.writeUTF: u16 length, then modified UTF-8 (plain UTF-8 for the aliases keytool writes).
  utf(): string {
    this.need(2);
    const length = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return this.bytes(length).toString('utf8');
  }
}
