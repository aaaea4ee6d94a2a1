import { connect, createServer, type Socket } from 'node:net';
import { startDelayProxy } from './delay-proxy';

describe('startDelayProxy', () => {
  it('carries both directions in order through real sockets, with a half-close passed on', async () => {
    // An upstream that answers each line with its upper case and closes after the client's end.
    const upstream = createServer({ allowHalfOpen: true }, (s: Socket) => {
      s.on('data', (d: Buffer) => s.write(d.toString().toUpperCase()));
      s.on('end', () => s.end('!'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as { port: number }).port;
    const proxy = await startDelayProxy({ listenPort: 0, targetPort: upstreamPort, delayMs: 5 });
    try {
      const client = connect({ host: '127.0.0.1', port: proxy.port, allowHalfOpen: true });
      let received = '';
      client.on('data', (d: Buffer) => (received += d.toString()));
      const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
      const parts = Array.from({ length: 200 }, (_, i) => `part${i};`);
      for (const p of parts) client.write(p);
      client.end();
      await closed;
      expect(received).toBe(parts.join('').toUpperCase() + '!');
      expect(proxy.connections()).toBe(1);
      expect(proxy.forwarded()).toEqual({ toTarget: parts.join('').length, toClient: parts.join('').length + 1 });
      expect(proxy.errors()).toBe(0);
    } finally {
      await proxy.stop();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
