import { SeededRandom } from './seeded-random';

/**
 * Bad inputs for fuzz tests of decoders and parsers, all derived from one `SeededRandom` so a
 * failing case is replayed from its seed: random bytes, and valid bytes truncated, bit-flipped,
 * spliced or grown far past any sane size.
 */

export function randomBytes(rnd: SeededRandom, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = rnd.int(0, 255);
  return out;
}

export type Mutation = 'random' | 'truncate' | 'bit-flip' | 'splice' | 'extend' | 'oversize' | 'length-max';

const SMALL_MUTATIONS: readonly Mutation[] = ['random', 'truncate', 'bit-flip', 'splice', 'extend', 'length-max'];

/**
 * One bad variant of `valid`. `length-max` overwrites two or four bytes with 0x7f/0xff, the way a
 * corrupt length prefix claims gigabytes; `oversize` appends up to 1 MiB.
 */
export function mutateBytes(rnd: SeededRandom, valid: Uint8Array): { bytes: Buffer; mutation: Mutation } {
  // Oversized inputs cost a decoder real work, so they come up in about one case in twenty.
  const mutation: Mutation = rnd.chance(0.05) ? 'oversize' : rnd.pick(SMALL_MUTATIONS);
  const source = Buffer.from(valid);
  switch (mutation) {
    case 'random':
      return { mutation, bytes: randomBytes(rnd, rnd.int(0, 64)) };
    case 'truncate':
      return { mutation, bytes: source.subarray(0, rnd.int(0, Math.max(0, source.length - 1))) };
    case 'bit-flip': {
      const out = Buffer.from(source);
      const flips = rnd.int(1, 4);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = rnd.int(0, out.length - 1);
        out[at] = out[at]! ^ (1 << rnd.int(0, 7));
      }
      return { mutation, bytes: out };
    }
    case 'splice': {
      const at = rnd.int(0, source.length);
      return { mutation, bytes: Buffer.concat([source.subarray(0, at), randomBytes(rnd, rnd.int(1, 16)), source.subarray(at + rnd.int(0, 8))]) };
    }
    case 'extend':
      return { mutation, bytes: Buffer.concat([source, randomBytes(rnd, rnd.int(1, 32))]) };
    case 'oversize':
      return { mutation, bytes: Buffer.concat([source, Buffer.alloc(rnd.int(64 * 1024, 1024 * 1024), rnd.int(0, 255))]) };
    case 'length-max': {
      const out = Buffer.from(source);
      if (out.length >= 4) {
        const at = rnd.int(0, out.length - 4);
        out.writeInt32BE(rnd.pick([0x7fffffff, -1, -0x80000000]), at);
      } else if (out.length >= 2) {
        out.writeInt16BE(rnd.pick([0x7fff, -1]), rnd.int(0, out.length - 2));
      }
      return { mutation, bytes: out };
    }
  }
}

/** Text of random characters (whole code points), mostly printable ASCII and drawn from `alphabet` when given. */
export function randomText(rnd: SeededRandom, length: number, alphabet?: string): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    if (alphabet !== undefined && rnd.chance(0.9)) out += alphabet[rnd.int(0, alphabet.length - 1)];
    else if (rnd.chance(0.9)) out += String.fromCharCode(rnd.int(0x20, 0x7e));
    else out += String.fromCodePoint(rnd.chance(0.5) ? rnd.int(0, 0xd7ff) : rnd.int(0xe000, 0x10ffff));
  }
  return out;
}

/** One bad variant of a text: cut, characters replaced or inserted, or grown to hundreds of kilobytes. */
export function mutateText(rnd: SeededRandom, valid: string, alphabet?: string): string {
  // As with bytes, oversized texts come up in about one case in twenty.
  switch (rnd.chance(0.05) ? 4 : rnd.int(0, 3)) {
    case 0:
      return valid.slice(0, rnd.int(0, valid.length));
    case 1: {
      const chars = [...valid];
      const count = rnd.int(1, 8);
      for (let i = 0; i < count && chars.length > 0; i++) chars[rnd.int(0, chars.length - 1)] = randomText(rnd, 1, alphabet);
      return chars.join('');
    }
    case 2: {
      const at = rnd.int(0, valid.length);
      return valid.slice(0, at) + randomText(rnd, rnd.int(1, 40), alphabet) + valid.slice(at);
    }
    case 3:
      return valid + randomText(rnd, rnd.int(1, 200), alphabet);
    default: {
      const at = rnd.int(0, valid.length);
      return valid.slice(0, at) + randomText(rnd, 1, alphabet).repeat(rnd.int(10_000, 300_000)) + valid.slice(at);
    }
  }
}

/**
 * Runs `check` for seeds `first`..`first + count - 1`, each with its own `SeededRandom`, and names
 * the seed in any failure so the case can be replayed alone.
 */
export function forEachSeed(first: number, count: number, check: (rnd: SeededRandom, seed: number) => void): void {
  for (let seed = first; seed < first + count; seed++) {
    try {
      check(new SeededRandom(seed), seed);
    } catch (err) {
      const e = err as Error;
      e.message = `seed ${seed}: ${e.message}`;
      throw e;
    }
  }
}
