import { decodeApiVersionsResponse, encodeApiVersionsRequest } from './kafka-protocol';

describe('ApiVersions encoding', () => {
  it('encodes a v0 request with a v1 header and a size prefix', () => {
    const buf = encodeApiVersionsRequest(7, 'ab');
    expect(buf.toString('hex')).toBe(
      [
        '0000000c', // size: 12 bytes follow
        '0012', // api key 18
        '0000', // version 0
        '00000007', // correlation id
        '0002', // client id length
        '6162', // "ab"
      ].join(''),
    );
  });

  it('decodes a v0 response', () => {
    const payload = Buffer.alloc(4 + 2 + 4 + 2 * 6);
    payload.writeInt32BE(7, 0);
    payload.writeInt16BE(0, 4);
    payload.writeInt32BE(2, 6);
    [0, 0, 11, 18, 0, 4].forEach((v, i) => payload.writeInt16BE(v, 10 + i * 2));
    expect(decodeApiVersionsResponse(payload)).toEqual({
      correlationId: 7,
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
  });

  it('reports an error code (e.g. 35, unsupported version) and rejects truncated answers', () => {
    const err = Buffer.alloc(10);
    err.writeInt32BE(1, 0);
    err.writeInt16BE(35, 4);
    err.writeInt32BE(0, 6);
    expect(decodeApiVersionsResponse(err).errorCode).toBe(35);
    const truncated = Buffer.from(err);
    truncated.writeInt32BE(3, 6);
    expect(() => decodeApiVersionsResponse(truncated)).toThrow(/truncated/);
    expect(() => decodeApiVersionsResponse(Buffer.alloc(3))).toThrow(/too short/);
  });
});
