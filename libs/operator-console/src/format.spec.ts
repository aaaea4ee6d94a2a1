import { formatAge, formatBytes, formatRate } from './format';

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
});
