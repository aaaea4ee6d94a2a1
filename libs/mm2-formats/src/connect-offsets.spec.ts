import {
  decodeCheckpointOffset,
  decodeHeartbeatOffset,
  decodeSourceOffset,
  decodeSourceOffsetKey,
  encodeCheckpointOffsetKey,
  encodeHeartbeatOffsetKey,
  encodeSourceOffsetKey,
  encodeSourceOffsetValue,
} from './connect-offsets';

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const tp = { cluster: 'A', topic: 't', partition: 0 };

describe('MirrorSourceConnector positions', () => {
  it('writes the key exactly as Java MM2 does', () => {
    expect(encodeSourceOffsetKey(tp).toString()).toBe('["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}]');
    expect(encodeSourceOffsetKey(tp, 'mm2-source').toString()).toBe('["mm2-source",{"cluster":"A","partition":0,"topic":"t"}]');
  });

  it('writes offsets exactly, past 2^53 too', () => {
    expect(encodeSourceOffsetValue(5n).toString()).toBe('{"offset":5}');
    expect(encodeSourceOffsetValue(9007199254740993n).toString()).toBe('{"offset":9007199254740993}');
    expect(encodeSourceOffsetValue(-1n).toString()).toBe('{"offset":-1}');
    expect(() => encodeSourceOffsetValue(2n ** 63n)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => encodeSourceOffsetKey({ ...tp, partition: 0.5 })).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
  });

  it('reads keys whatever the field order and whitespace', () => {
    const key = utf8(' [ "MirrorSourceConnector" ,\n { "topic" : "t", "partition": 0, "cluster":"A" } ]\r\n');
    expect(decodeSourceOffsetKey(key)).toEqual(tp);
    expect(decodeSourceOffset(key, utf8('{ "offset" : 9223372036854775807 }'))).toEqual({ partition: tp, offset: 2n ** 63n - 1n });
  });

  it('round-trips its own records', () => {
    const partition = { cluster: 'us-west', topic: 'orders.v2', partition: 17 };
    expect(decodeSourceOffset(encodeSourceOffsetKey(partition), encodeSourceOffsetValue(123456789012345678n))).toEqual({
      partition,
      offset: 123456789012345678n,
    });
  });

  it('reads a tombstone or null offset as "no position"', () => {
    const key = encodeSourceOffsetKey(tp);
    expect(decodeSourceOffset(key, null)).toEqual({ partition: tp, offset: null });
    expect(decodeSourceOffset(key, utf8('null'))).toEqual({ partition: tp, offset: null });
    expect(decodeSourceOffset(key, utf8('{"offset":null}'))).toEqual({ partition: tp, offset: null });
    expect(decodeSourceOffset(key, utf8('{}'))).toEqual({ partition: tp, offset: null });
  });

  it.each([
    ['the checkpoint connector', '["MirrorCheckpointConnector",{"partition":3,"topic":"A.t","group":"g1"}]'],
    ['the heartbeat connector', '["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]'],
    ['a connector with the same fields', '["OtherConnector",{"cluster":"A","partition":0,"topic":"t"}]'],
    ['an extra field', '["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t","x":1}]'],
    ['a missing field', '["MirrorSourceConnector",{"cluster":"A","topic":"t"}]'],
    ['a string partition', '["MirrorSourceConnector",{"cluster":"A","partition":"0","topic":"t"}]'],
    ['a fractional partition', '["MirrorSourceConnector",{"cluster":"A","partition":0.0,"topic":"t"}]'],
    ['a partition beyond INT32', '["MirrorSourceConnector",{"cluster":"A","partition":2147483648,"topic":"t"}]'],
    ['a third array item', '["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"},1]'],
    ['invalid JSON', '["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}'],
    ['trailing garbage', '["MirrorSourceConnector",{"cluster":"A","partition":0,"topic":"t"}] x'],
    ['not JSON at all', '\u0000\u0001binary'],
  ])('returns null for %s', (_what, key) => {
    expect(decodeSourceOffsetKey(utf8(key))).toBeNull();
    expect(decodeSourceOffset(utf8(key), utf8('{"offset":1}'))).toBeNull();
  });

  it('returns null for a null key', () => {
    expect(decodeSourceOffsetKey(null)).toBeNull();
    expect(decodeSourceOffset(null, utf8('{"offset":1}'))).toBeNull();
  });

  it.each([
    ['a fractional offset', '{"offset":5.0}'],
    ['an exponent', '{"offset":5e0}'],
    ['a string offset', '{"offset":"5"}'],
    ['an offset beyond INT64', '{"offset":9223372036854775808}'],
    ['an array', '[5]'],
    ['invalid JSON', '{"offset":'],
  ])('returns null for a value with %s', (_what, value) => {
    expect(decodeSourceOffset(encodeSourceOffsetKey(tp), utf8(value))).toBeNull();
  });
});

describe('checkpoint and heartbeat connector positions', () => {
  it('write keys in the order Java MM2 does', () => {
    expect(encodeCheckpointOffsetKey({ group: 'g1', topic: 'A.t', partition: 3 }).toString()).toBe(
      '["MirrorCheckpointConnector",{"partition":3,"topic":"A.t","group":"g1"}]',
    );
    expect(encodeHeartbeatOffsetKey({ sourceClusterAlias: 'A', targetClusterAlias: 'B' }).toString()).toBe(
      '["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]',
    );
  });

  it('read their own records and nothing else', () => {
    const cp = { group: 'g1', topic: 'A.t', partition: 3 };
    const hb = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };
    const zero = encodeSourceOffsetValue(0n);
    expect(decodeCheckpointOffset(encodeCheckpointOffsetKey(cp), zero)).toEqual({ partition: cp, offset: 0n });
    expect(decodeHeartbeatOffset(encodeHeartbeatOffsetKey(hb), null)).toEqual({ partition: hb, offset: null });
    expect(decodeCheckpointOffset(encodeHeartbeatOffsetKey(hb), zero)).toBeNull();
    expect(decodeHeartbeatOffset(encodeSourceOffsetKey(tp), zero)).toBeNull();
    expect(decodeSourceOffset(encodeCheckpointOffsetKey(cp), zero)).toBeNull();
  });
});
