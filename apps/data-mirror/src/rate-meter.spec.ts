import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('averages over the time since start while shorter than the window', () => {
    const meter = new RateMeter(0, 10_000);
    meter.add(100, 1000, 500);
    meter.add(100, 1000, 1500);
    expect(meter.rates(2000)).toEqual({ recordsPerSecond: 100, bytesPerSecond: 1000 });
  });

  it('forgets counts older than the window', () => {
    const meter = new RateMeter(0, 10_000);
    meter.add(1000, 0, 1000);
    meter.add(50, 0, 15_000);
    expect(meter.rates(15_000).recordsPerSecond).toBe(5);
    expect(meter.rates(40_000).recordsPerSecond).toBe(0);
  });
});
