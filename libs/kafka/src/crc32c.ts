/**
 * CRC-32C (Castagnoli) after a change of a few bytes, without reading the rest of the data.
 *
 * A record batch's CRC covers everything from its Attributes to its end; passing a batch through
 * to another cluster changes only a few header bytes at the start of that range (the producer
 * fields and the transactional bit). A CRC is linear over GF(2): for two inputs of the same length,
 * crc(A) xor crc(B) equals the raw CRC (no initial value, no final xor) of A xor B. A xor B is zero
 * except in the changed bytes, and the raw CRC of zeros following a value is that value times
 * x^(8n) modulo the polynomial. So the new CRC is the old one xor (raw CRC of the changed bytes'
 * difference, multiplied by x^(8 * bytes after them)): a few dozen operations per batch, whatever
 * its size. (The same algebra as zlib's crc32_combine.)
 *
 * Polynomials are in the reflected bit order CRC-32C uses: bit 31 is x^0.
 */
const POLY = 0x82f63b78;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** a(x) * b(x) modulo the polynomial. */
function multiplyModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31. */
const X_POW_2K = (() => {
  const t = new Uint32Array(32);
  let p = 0x40000000; // x^1
  t[0] = p;
  for (let k = 1; k < 32; k++) t[k] = p = multiplyModP(p, p);
  return t;
})();

/** x^(8 * bytes) modulo the polynomial. */
function xPow8n(bytes: number): number {
  let p = 0x80000000; // x^0
  let k = 3;
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) if (n % 2 === 1) p = multiplyModP(X_POW_2K[k & 31], p);
  return p;
}

/** CRC-32C of all of `data` (table-driven; for small inputs and tests). */
export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The CRC-32C of a `length`-byte range whose CRC was `oldCrc`, after the bytes at `at` within the
 * range changed from `before` to `after` (same length).
 */
export function crc32cAfterChange(oldCrc: number, length: number, at: number, before: Uint8Array, after: Uint8Array): number {
  if (before.length !== after.length) throw new RangeError('crc32cAfterChange: the changed ranges differ in length');
  if (at < 0 || at + before.length > length) throw new RangeError('crc32cAfterChange: the change lies outside the range');
  let c = 0;
  for (let i = 0; i < before.length; i++) c = TABLE[(c ^ before[i] ^ after[i]) & 0xff] ^ (c >>> 8);
  if (c === 0) return oldCrc >>> 0;
  return (oldCrc ^ multiplyModP(xPow8n(length - at - before.length), c >>> 0)) >>> 0;
}
