import { wireBuffers } from './buffer-pool';
import { kafkajsProcessData, processData, type ConnectionLike } from './response-framing-patch';

interface Answer {
  size: number;
  correlationId: number;
  payload: Buffer;
}

function connection(): ConnectionLike & { answers: Answer[]; authData: Buffer[] } {
  const answers: Answer[] = [];
  const authData: Buffer[] = [];
  return {
    answers,
    authData,
    socket: 'socket-1',
    authHandlers: null,
    authExpectResponse: false,
    requestQueue: { fulfillRequest: (a) => answers.push({ ...a, payload: Buffer.from(a.payload) }) },
    // kafkajs's own constructor sets these; its processData needs them.
    ...{ chunks: [], bytesBuffered: 0, bytesNeeded: 4 },
    processData,
  };
}

function frame(correlationId: number, payloadBytes: number): Buffer {
  const f = Buffer.alloc(8 + payloadBytes);
  f.writeInt32BE(4 + payloadBytes, 0);
  f.writeInt32BE(correlationId, 4);
  for (let i = 8; i < f.length; i++) f[i] = (i * 31 + correlationId) & 0xff;
  return f;
}

/** Cuts `stream` at the given offsets, as a socket may. */
function chunks(stream: Buffer, cuts: number[]): Buffer[] {
  const at = [0, ...cuts.filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b), stream.length];
  return at.slice(1).map((end, i) => Buffer.from(stream.subarray(at[i], end)));
}

describe('response framing (replaces kafkajs 2.2.4 Connection.processData)', () => {
  it('hands the request queue exactly what kafkajs does, however the socket cuts the stream', () => {
    const stream = Buffer.concat([frame(1, 10), frame(2, 0), frame(3, 300_000), frame(4, 70_000), frame(5, 3)]);
    const cutsList = [
      [],
      [2], // inside the first size
      [4, 14, 16, 20],
      [100_000, 200_000, 300_020, 300_030],
      [300_031, 300_032, 300_033, 300_034, 370_050],
      Array.from({ length: 40 }, (_, i) => i * 9_377 + 1),
    ];
    for (const cuts of cutsList) {
      const ours = connection();
      const theirs = connection();
      for (const c of chunks(stream, cuts)) {
        processData.call(ours, c);
        kafkajsProcessData.call(theirs, c);
      }
      expect(ours.answers.map((a) => a.correlationId)).toEqual([1, 2, 3, 4, 5]);
      expect(ours.answers).toEqual(theirs.answers);
    }
  });

  it('keeps nothing of a chunk, so a socket can read every chunk into the same Buffer', () => {
    const stream = Buffer.concat([frame(1, 10), frame(2, 100_000), frame(3, 5)]);
    const c = connection();
    const read = Buffer.alloc(70_000);
    for (const part of chunks(stream, [3, 12, 20, 70_020, 100_030])) {
      part.copy(read);
      processData.call(c, read.subarray(0, part.length));
      read.fill(0xab);
    }
    const expected = [frame(1, 10), frame(2, 100_000), frame(3, 5)].map((f) => f.subarray(8));
    expect(c.answers.map((a) => a.payload)).toEqual(expected);
  });

  it('reads a large answer into a Buffer that is used again once released', () => {
    const c = connection();
    let payload: Buffer | undefined;
    c.requestQueue = { fulfillRequest: (a) => (payload = a.payload) };
    for (const part of chunks(frame(7, 200_000), [65_536, 131_072])) processData.call(c, part);
    const first = payload as Buffer;
    expect(first.readInt32BE(0)).toBe(frame(7, 200_000).readInt32BE(8));
    wireBuffers.release(first);
    for (const part of chunks(frame(8, 150_000), [65_536])) processData.call(c, part);
    expect((payload as Buffer).buffer).toBe(first.buffer);
    expect(Buffer.compare(payload as Buffer, frame(8, 150_000).subarray(8))).toBe(0);
  });

  it('passes SASL data as kafkajs does: unframed as it comes, framed answers with their size', () => {
    const c = connection();
    c.authHandlers = { onSuccess: (d) => c.authData.push(Buffer.from(d)) };
    processData.call(c, Buffer.from('raw token'));
    c.authExpectResponse = true;
    const f = frame(9, 20);
    for (const part of chunks(f, [3, 10])) processData.call(c, part);
    expect(c.authData).toEqual([Buffer.from('raw token'), f]);
    expect(c.answers).toEqual([]);
  });

  it('closes the connection with an error on an answer too short for a correlation id', () => {
    const c = connection();
    const errors: string[] = [];
    c.socket = { destroy: (e: Error) => void errors.push(e.message) };
    const short = Buffer.alloc(6);
    short.writeInt32BE(2, 0);
    processData.call(c, short);
    expect(errors).toEqual(['the broker sent an answer of 2 bytes, too short for a correlation id; closing the connection']);
    expect(c.answers).toEqual([]);
  });

  it('drops a half-read answer when the connection gets a new socket', () => {
    const c = connection();
    processData.call(c, frame(1, 100_000).subarray(0, 50_000));
    c.socket = 'socket-2';
    processData.call(c, frame(2, 5));
    expect(c.answers.map((a) => a.correlationId)).toEqual([2]);
  });
});
