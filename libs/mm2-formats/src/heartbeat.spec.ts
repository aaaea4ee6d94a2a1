import { decodeHeartbeat, encodeHeartbeat, type Heartbeat } from './heartbeat';

describe('Heartbeat', () => {
  it('9: key is the two aliases as STRINGs, value is 00 00 plus the big-endian ms timestamp', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'A', targetClusterAlias: 'B', timestamp: 1700000000000n });
    expect(key.toString('hex')).toBe('000141000142');
    expect(value.toString('hex')).toBe('0000' + '0000018bcfe56800');
    expect(value).toHaveLength(10);
  });

  it.each<Heartbeat>([
    { sourceClusterAlias: 'us-west', targetClusterAlias: 'eu-central', timestamp: 0n },
    { sourceClusterAlias: 'zürich', targetClusterAlias: '東京', timestamp: 2n ** 63n - 1n },
    { sourceClusterAlias: '', targetClusterAlias: 'b', timestamp: -1n },
  ])('round-trips %#', (heartbeat) => {
    const { key, value } = encodeHeartbeat(heartbeat);
    expect(decodeHeartbeat(key, value)).toEqual(heartbeat);
  });

  it('ignores trailing bytes and fails on truncated values', () => {
    const { key, value } = encodeHeartbeat({ sourceClusterAlias: 'A', targetClusterAlias: 'B', timestamp: 5n });
    expect(decodeHeartbeat(key, Buffer.concat([value, Buffer.from([9])])).timestamp).toBe(5n);
    expect(() => decodeHeartbeat(key, value.subarray(0, 9))).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
  });
});
