import { encodeSourceOffsetKey, encodeSourceOffsetValue } from '@mirrormaker/mm2-formats';
import { StoredPositions } from './stored-positions';

describe('StoredPositions', () => {
  const tp = { cluster: 'A', topic: 'orders', partition: 2 };

  it('keeps the last value per key', () => {
    const table = new StoredPositions();
    table.read(encodeSourceOffsetKey(tp), encodeSourceOffsetValue(5n));
    table.read(encodeSourceOffsetKey(tp), encodeSourceOffsetValue(9n));
    expect(table.get(tp)).toBe(9n);
    expect(table.get({ ...tp, partition: 3 })).toBeUndefined();
    expect(table.get({ ...tp, cluster: 'B' })).toBeUndefined();
  });

  it('reads keys written by Java with another field order', () => {
    const table = new StoredPositions();
    const key = Buffer.from('["MirrorSourceConnector",{"topic":"orders","partition":2,"cluster":"A"}]');
    expect(table.read(key, Buffer.from('{"offset":41}'))).toEqual(tp);
    expect(table.get(tp)).toBe(41n);
  });

  it('forgets a position on a tombstone or a null offset', () => {
    const table = new StoredPositions();
    table.read(encodeSourceOffsetKey(tp), encodeSourceOffsetValue(5n));
    table.read(encodeSourceOffsetKey(tp), null);
    expect(table.get(tp)).toBeUndefined();
    table.read(encodeSourceOffsetKey(tp), encodeSourceOffsetValue(5n));
    table.read(encodeSourceOffsetKey(tp), Buffer.from('{"offset":null}'));
    expect(table.get(tp)).toBeUndefined();
  });

  it('ignores other connectors, and reports garbage as undecodable', () => {
    const table = new StoredPositions();
    expect(table.read(Buffer.from('["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]'), Buffer.from('{"offset":0}'))).toBeUndefined();
    expect(table.read(Buffer.from('["some-jdbc-source",{"table":"t"}]'), Buffer.from('{"position":"x"}'))).toBeUndefined();
    expect(table.read(Buffer.from('not json'), Buffer.from('{"offset":1}'))).toBe('undecodable');
    expect(table.read(null, null)).toBe('undecodable');
    expect(table.read(encodeSourceOffsetKey(tp), Buffer.from('{"offset":"five"}'))).toBe('undecodable');
    expect(table.read(encodeSourceOffsetKey(tp), Buffer.from([0xff, 0x00]))).toBe('undecodable');
    expect(table.size).toBe(0);
  });
});
