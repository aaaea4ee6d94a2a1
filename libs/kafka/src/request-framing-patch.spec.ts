import '.';
import Encoder from 'kafkajs/src/protocol/encoder';
import { encoderWithHeadroom, FRAME_HEADROOM, frameRequest, installRequestFraming, REQUEST_TAIL, type FramedBuffer } from './request-framing-patch';

type Framing = (request: { correlationId: number; clientId: string | null; request: { apiKey: number; apiVersion: number; encode(): Promise<unknown> } }) => Promise<{ buffer: Buffer }>;

/** kafkajs 2.2.4's own framing, loaded apart from the replacement. */
function kafkajsFraming(): Framing {
  let original: Framing | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the patch replaces
    original = require('kafkajs/src/protocol/request') as Framing;
  });
  if (!original || original === (frameRequest as unknown)) throw new Error("could not load kafkajs's own protocol/request.js");
  return original;
}

const body = (bytes: Buffer) => new Encoder().writeBuffer(bytes);

function withHeadroom(bytes: Buffer, room = FRAME_HEADROOM) {
  const buffer = Buffer.alloc(room + bytes.length, 0xee);
  bytes.copy(buffer, room);
  return encoderWithHeadroom(buffer, room);
}

describe('request framing', () => {
  const original = kafkajsFraming();
  const payload = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));

  it.each([
    ['a client id', 'mirrormaker-data-mirror-A->B-target'],
    ['no client id', null],
    ['a client id in several scripts', 'réplica-東京-🚀'],
    ['a client id too long for the headroom', 'x'.repeat(400)],
  ])('writes the bytes kafkajs writes, for %s, with and without headroom', async (_what, clientId) => {
    const request = (encode: () => Promise<unknown>) => ({ correlationId: 123456, clientId, request: { apiKey: 0, apiVersion: 7, encode } });
    const expected = (await original(request(async () => body(payload)))).buffer;
    expect((await frameRequest(request(async () => body(payload)))).buffer).toEqual(expected);
    expect((await frameRequest(request(async () => withHeadroom(payload)))).buffer).toEqual(expected);
  });

  it('writes the header into the headroom instead of copying the body', async () => {
    const encoded = withHeadroom(payload) as unknown as { buf: Buffer };
    const framed = (await frameRequest({ correlationId: 1, clientId: 'c', request: { apiKey: 0, apiVersion: 7, encode: async () => encoded } })).buffer;
    expect(framed.buffer).toBe(encoded.buf.buffer);
  });

  it('frames a body with a tail: Buffer and tail together are the bytes of the whole body, the tail not copied', async () => {
    const request = (encode: () => Promise<unknown>) => ({ correlationId: 77, clientId: 'c', request: { apiKey: 0, apiVersion: 3, encode } });
    const expected = (await original(request(async () => body(payload)))).buffer;
    const head = payload.subarray(0, 100);
    const tail = payload.subarray(100);
    const buffer = Buffer.alloc(FRAME_HEADROOM + head.length);
    head.copy(buffer, FRAME_HEADROOM);
    const framed = (await frameRequest(request(async () => encoderWithHeadroom(buffer, FRAME_HEADROOM, tail)))).buffer as FramedBuffer;
    const sentTail = framed[REQUEST_TAIL] as Buffer;
    expect(Buffer.concat([framed, sentTail])).toEqual(expected);
    expect(sentTail.buffer).toBe(payload.buffer);
  });

  it('is what kafkajs connections use', () => {
    expect(installRequestFraming()).toBe(true);
  });
});
