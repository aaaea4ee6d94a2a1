import { formatAge, formatBytes, formatCheckpointAge, formatDuration, formatLatency, formatRate } from './format';

describe('format', () => {
  it('writes bytes per second in binary units with one decimal below 100', () => {
    expect([0, 512, 1536, 150 * 1024, 12.5 * 1024 * 1024].map(formatBytes)).toEqual(['0 B', '512 B', '1.5 KiB', '150 KiB', '12.5 MiB']);
  });

  it('writes rates with a decimal only while they are small', () => {
    expect([0, 2.5, 99.94, 1234.4].map(formatRate)).toEqual(['0', '2.5', '99.9', '1,234']);
  });

  it('writes ages in seconds, then minutes, then hours', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1000);
    expect([ago(4), ago(300), ago(3 * 3600), undefined].map((at) => formatAge(at, now))).toEqual(['4 s', '5 min', '3 h', '-']);
  });

  it('writes durations in ms below a second, with a decimal below 10 s, then like ages', () => {
    expect([0, 12.4, 999.4, 4210, 37_000, 720_000].map(formatDuration)).toEqual(['0 ms', '12 ms', '999 ms', '4.2 s', '37 s', '12 min']);
  });

  it('writes latency as p50 / p99, and a dash when nothing was copied lately', () => {
    expect(formatLatency(12, 480, 100n)).toBe('12 ms / 480 ms');
    expect(formatLatency(0, 0, 0n)).toBe('-');
  });

  it('tells a checkpoint written just now from no checkpoint at all', () => {
    expect(formatCheckpointAge(0n)).toBe('0 ms ago');
    expect(formatCheckpointAge(-1n)).toBe('none yet');
  });
});
