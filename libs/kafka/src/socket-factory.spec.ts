import * as net from 'node:net';
import { REQUEST_TAIL, type FramedBuffer } from './request-framing-patch';
import { unrefOnlyLive, writeTails } from './socket-factory';

/** Records what a socket is asked to do, in order. */
function recordingSocket() {
  const calls: string[] = [];
  const socket = {
    write: (chunk: Buffer) => {
      calls.push(`write ${chunk.toString()}`);
      return true;
    },
    cork: () => void calls.push('cork'),
    uncork: () => void calls.push('uncork'),
  };
  writeTails(socket as unknown as net.Socket);
  return { socket: socket as unknown as net.Socket, calls };
}

describe('sockets of our kafkajs clients', () => {
  it('write a framed request and its tail back to back, in one corked write', () => {
    const { socket, calls } = recordingSocket();
    const head: FramedBuffer = Buffer.from('head');
    head[REQUEST_TAIL] = Buffer.from('records');
    socket.write(head, 'binary');
    expect(calls).toEqual(['cork', 'write head', 'write records', 'uncork']);
  });

  it('write any other Buffer as it is', () => {
    const { socket, calls } = recordingSocket();
    socket.write(Buffer.from('metadata request'), 'binary');
    expect(calls).toEqual(['write metadata request']);
  });

  it('ignore unref once destroyed, instead of waiting for a connect that never comes', () => {
    const socket = new net.Socket();
    unrefOnlyLive(socket);
    socket.destroy();
    for (let i = 0; i < 20; i++) socket.unref();
    expect(socket.listenerCount('connect')).toBe(0);
  });

  it('still unref a socket that is not yet connected once it connects', () => {
    const socket = new net.Socket();
    unrefOnlyLive(socket);
    socket.unref();
    expect(socket.listenerCount('connect')).toBe(1);
    socket.destroy();
  });
});
