/**
 * Creates SCRAM users through the admin API (AlterUserScramCredentials, KIP-554), which kafkajs
 * does not offer. The request goes to the PLAINTEXT listener, whose ANONYMOUS principal is a
 * super user. Like Kafka's admin client, the salted password is computed here and only it,
 * never the password, is sent.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { exchange } from './kafka-protocol';

export const ALTER_USER_SCRAM_CREDENTIALS_KEY = 51;

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const MECHANISM_IDS: Record<ScramMechanism, { id: number; digest: 'sha256' | 'sha512'; length: number }> = {
  'SCRAM-SHA-256': { id: 1, digest: 'sha256', length: 32 },
  'SCRAM-SHA-512': { id: 2, digest: 'sha512', length: 64 },
};

/** Kafka's minimum. */
const ITERATIONS = 4096;

export interface ScramUpsertion {
  username: string;
  password: string;
  mechanism: ScramMechanism;
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

const compactString = (text: string): Buffer => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
};
const compactBytes = (bytes: Buffer): Buffer => Buffer.concat([uvarint(bytes.length + 1), bytes]);
const int8 = (v: number): Buffer => Buffer.from([v]);
const int16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
};
const int32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const NO_TAGS = uvarint(0);

/** AlterUserScramCredentials v0 request (flexible: request header v2), with its size prefix. */
export function encodeAlterUserScramCredentials(correlationId: number, upsertions: readonly ScramUpsertion[], salt: () => Buffer = () => randomBytes(32)): Buffer {
  const clientId = Buffer.from('mirrormaker-test', 'utf8');
  const header = Buffer.concat([int16(ALTER_USER_SCRAM_CREDENTIALS_KEY), int16(0), int32(correlationId), int16(clientId.length), clientId, NO_TAGS]);
  const entries = upsertions.map(({ username, password, mechanism }) => {
    const { id, digest, length } = MECHANISM_IDS[mechanism];
    const s = salt();
    const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), s, ITERATIONS, length, digest);
    return Buffer.concat([compactString(username), int8(id), int32(ITERATIONS), compactBytes(s), compactBytes(salted), NO_TAGS]);
  });
  const body = Buffer.concat([uvarint(1) /* no deletions */, uvarint(entries.length + 1), ...entries, NO_TAGS]);
  const message = Buffer.concat([header, body]);
  return Buffer.concat([int32(message.length), message]);
}

export interface ScramResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

class Cursor {
  constructor(
    private readonly buf: Buffer,
    public offset = 0,
  ) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.offset++]!;
      value |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
      shift += 7;
    }
  }
  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    if (length < 0) return null;
    const text = this.buf.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }
  skipTags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.offset += this.uvarint();
    }
  }
}

/** Decodes an AlterUserScramCredentials v0 response payload (response header v1). */
export function decodeAlterUserScramCredentials(payload: Buffer): { correlationId: number; results: ScramResult[] } {
  const c = new Cursor(payload);
  const correlationId = c.int32();
  c.skipTags();
  c.int32(); // throttle time
  const count = c.uvarint() - 1;
  const results: ScramResult[] = [];
  for (let i = 0; i < count; i++) {
    const user = c.compactNullableString() ?? '';
    const errorCode = c.int16();
    const errorMessage = c.compactNullableString();
    c.skipTags();
    results.push({ user, errorCode, errorMessage });
  }
  return { correlationId, results };
}

/** Creates or updates SCRAM credentials; rejects naming each user the broker refused. */
export async function upsertScramUsers(host: string, plaintextPort: number, upsertions: readonly ScramUpsertion[], timeoutMs = 10_000): Promise<void> {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const payload = await exchange(host, plaintextPort, encodeAlterUserScramCredentials(correlationId, upsertions), timeoutMs, 'AlterUserScramCredentials');
  const { correlationId: answered, results } = decodeAlterUserScramCredentials(payload);
  if (answered !== correlationId) throw new Error(`unexpected correlation id ${answered}`);
  const failed = results.filter((r) => r.errorCode !== 0);
  if (failed.length > 0) {
    throw new Error(`SCRAM credentials refused: ${failed.map((r) => `${r.user}: error ${r.errorCode} ${r.errorMessage ?? ''}`).join('; ')}`);
  }
}
