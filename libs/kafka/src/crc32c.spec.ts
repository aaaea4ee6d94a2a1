import { randomBytes } from 'node:crypto';
import crc32C from 'kafkajs/src/protocol/recordBatch/crc32C';
import { crc32c, crc32cAfterChange } from './crc32c';

describe('crc32c', () => {
  it('matches the known check value and kafkajs on random data', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(1 + Math.floor(Math.random() * 3000));
      expect(crc32c(data)).toBe(crc32C(data));
    }
  });

  it('updates a CRC after a change of a few bytes exactly as recomputing it would', () => {
    for (let i = 0; i < 300; i++) {
      const length = 40 + Math.floor(Math.random() * 70_000);
      const data = randomBytes(length);
      const oldCrc = crc32c(data);
      const at = Math.floor(Math.random() * 20);
      const size = 1 + Math.floor(Math.random() * 20);
      const before = Buffer.from(data.subarray(at, at + size));
      const after = randomBytes(size);
      after.copy(data, at);
      expect(crc32cAfterChange(oldCrc, length, at, before, after)).toBe(crc32c(data));
    }
  });

  it('keeps the CRC when nothing changed, and refuses ranges that do not fit', () => {
    const data = randomBytes(100);
    const crc = crc32c(data);
    expect(crc32cAfterChange(crc, 100, 3, data.subarray(3, 8), data.subarray(3, 8))).toBe(crc);
    expect(() => crc32cAfterChange(crc, 100, 98, Buffer.alloc(4), Buffer.alloc(4))).toThrow(RangeError);
    expect(() => crc32cAfterChange(crc, 100, 0, Buffer.alloc(4), Buffer.alloc(3))).toThrow(RangeError);
  });
});
