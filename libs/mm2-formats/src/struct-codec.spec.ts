import { isMm2FormatError, type Mm2FormatErrorCode } from './errors';
import { StructReader, writeStruct } from './struct-codec';

function expectCode(code: Mm2FormatErrorCode, action: () => unknown): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isMm2FormatError(thrown, code)).toBe(true);
}

describe('struct codec', () => {
  it('writes fields back to back, big-endian', () => {
    const bytes = writeStruct([
      { type: 'int16', value: -2 },
      { type: 'int32', value: 258 },
      { type: 'int64', value: -1n },
      { type: 'string', value: 'é' },
    ]);
    expect(bytes.toString('hex')).toBe('fffe00000102ffffffffffffffff0002c3a9');
  });

  it('counts the STRING length in UTF-8 bytes and allows exactly 32767 of them', () => {
    const atLimit = writeStruct([{ type: 'string', value: 'x'.repeat(32767) }]);
    expect(atLimit.readInt16BE(0)).toBe(32767);
    expectCode('STRING_TOO_LONG', () => writeStruct([{ type: 'string', value: 'x'.repeat(32768) }]));
    expectCode('STRING_TOO_LONG', () => writeStruct([{ type: 'string', value: 'é'.repeat(16384) }]));
  });

  it('writes unpaired surrogates as "?" like Java', () => {
    expect(writeStruct([{ type: 'string', value: 'a\ud800b\udc00' }]).toString('hex')).toBe('0004613f623f');
  });

  it('rejects numbers that do not fit their field', () => {
    expectCode('OUT_OF_RANGE', () => writeStruct([{ type: 'int32', value: 2 ** 31 }]));
    expectCode('OUT_OF_RANGE', () => writeStruct([{ type: 'int32', value: 1.5 }]));
    expectCode('OUT_OF_RANGE', () => writeStruct([{ type: 'int64', value: 2n ** 63n }]));
    expectCode('OUT_OF_RANGE', () => writeStruct([{ type: 'int64', value: -(2n ** 63n) - 1n }]));
  });

  it('reads what it wrote and ignores trailing bytes', () => {
    const bytes = Buffer.concat([writeStruct([{ type: 'string', value: 'ok' }, { type: 'int64', value: 7n }]), Buffer.from([1, 2, 3])]);
    const reader = new StructReader(bytes, 'test');
    expect(reader.string()).toBe('ok');
    expect(reader.int64()).toBe(7n);
  });

  it('reads from a view into a larger buffer', () => {
    const backing = Buffer.from('ff00000005ff', 'hex');
    expect(new StructReader(backing.subarray(1, 5), 'test').int32()).toBe(5);
  });

  it('fails with typed errors on truncated input or negative lengths', () => {
    expectCode('TRUNCATED', () => new StructReader(Buffer.from('00', 'hex'), 'test').int16());
    expectCode('TRUNCATED', () => new StructReader(Buffer.from('000000', 'hex'), 'test').int32());
    expectCode('TRUNCATED', () => new StructReader(Buffer.from('00000000000000', 'hex'), 'test').int64());
    expectCode('TRUNCATED', () => new StructReader(Buffer.from('000361', 'hex'), 'test').string());
    expectCode('NEGATIVE_LENGTH', () => new StructReader(Buffer.from('ffff', 'hex'), 'test').string());
  });
});
