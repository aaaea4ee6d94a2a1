import { pbkdf2Sync } from 'node:crypto';
import { ALTER_USER_SCRAM_CREDENTIALS_KEY, decodeAlterUserScramCredentials, encodeAlterUserScramCredentials } from './scram-users';

describe('AlterUserScramCredentials', () => {
  it('sends the salted password, never the password', () => {
    const salt = Buffer.alloc(32, 7);
    const request = encodeAlterUserScramCredentials(42, [{ username: 'alice', password: 'alice-secret', mechanism: 'SCRAM-SHA-512' }], () => salt);
    expect(request.readInt32BE(0)).toBe(request.length - 4);
    expect(request.readInt16BE(4)).toBe(ALTER_USER_SCRAM_CREDENTIALS_KEY);
    expect(request.readInt32BE(8)).toBe(42);
    expect(request.includes(Buffer.from('alice-secret'))).toBe(false);
    expect(request.includes(pbkdf2Sync('alice-secret', salt, 4096, 64, 'sha512'))).toBe(true);
  });

  it('decodes per-user results', () => {
    // correlation id, no tags, throttle, 2 results (compact array length 3)
    const user = (name: string, code: number, message: string | null): Buffer =>
      Buffer.concat([
        Buffer.from([name.length + 1]),
        Buffer.from(name),
        Buffer.from([0, code]),
        message === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([message.length + 1]), Buffer.from(message)]),
        Buffer.from([0]),
      ]);
    const payload = Buffer.concat([Buffer.from([0, 0, 0, 42, 0, 0, 0, 0, 0, 3]), user('alice', 0, null), user('bob', 58, 'bad'), Buffer.from([0])]);
    expect(decodeAlterUserScramCredentials(payload)).toEqual({
      correlationId: 42,
      results: [
        { user: 'alice', errorCode: 0, errorMessage: null },
        { user: 'bob', errorCode: 58, errorMessage: 'bad' },
      ],
    });
  });
});
