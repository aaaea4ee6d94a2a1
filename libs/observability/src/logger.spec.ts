import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l)) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, level name and time', () => {
    const out = capture();
    createLogger({ service: 'data-mirror', destination: out.stream }).info({ flow: 'A->B' }, 'started');
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'data-mirror', level: 'info', flow: 'A->B', msg: 'started' });
    expect(typeof line.time).toBe('string');
  });

  it('redacts credentials wherever a config object puts them', () => {
    const out = capture();
    createLogger({ service: 'coordinator', destination: out.stream }).info(
      {
        cluster: { alias: 'A', sasl: { username: 'alice', password: 'alice-secret', jaasConfig: 'x password="p"' } },
        props: { 'sasl.jaas.config': 'org.apache... password="p"', 'ssl.key.password': 'k' },
      },
      'config loaded',
    );
    const text = JSON.stringify(out.lines()[0]);
    expect(text).not.toContain('alice-secret');
    expect(text).not.toContain('password=\\"p\\"');
    expect(text).not.toContain('"k"');
    expect(text).toContain('"username":"alice"');
    expect(text).toContain('[redacted]');
  });

  it('honours the level', () => {
    const out = capture();
    const log = createLogger({ service: 's', level: 'warn', destination: out.stream });
    log.info('hidden');
    log.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});
