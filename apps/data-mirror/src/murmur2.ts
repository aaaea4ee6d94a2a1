/**
 * Kafka's murmur2 hash (the 32-bit MurmurHash2 variant with seed 0x9747b28c that the Java client's
 * default partitioner uses), and the partition that partitioner picks for a keyed record.
 *
 * Kafka Connect writes each position record with the default partitioner, so a position key always
 * lands in partition `toPositive(murmur2(key)) % partitions` of the offsets topic. Writing ours to
 * the same partition keeps every version of a key in one partition, in order, which is what makes
 * "last value per key" well defined for Connect's reader and for ours.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = (data[i] & 0xff) | ((data[i + 1] & 0xff) << 8) | ((data[i + 2] & 0xff) << 16) | ((data[i + 3] & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The tail: up to three bytes, mixed in as the Java code's fall-through switch does.
  const tail = length & 3;
  if (tail === 3) h ^= (data[whole + 2] & 0xff) << 16;
  if (tail >= 2) h ^= (data[whole + 1] & 0xff) << 8;
  if (tail >= 1) {
    h ^= data[whole] & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner chooses for a record with this (non-null) key. */
export function defaultPartitionFor(key: Uint8Array, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  return (murmur2(key) & 0x7fffffff) % partitions;
}
