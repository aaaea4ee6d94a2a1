import { cpuBetween, parseStatCpuTicks, parseStatusKb, peakRssBetween, ProcessGroupSampler, readProcess } from './proc-stats';

describe('proc stats', () => {
  it('reads utime + stime after the command name, even one with spaces and parentheses', () => {
    const fields = ['S', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '150', '25', '0', '0'];
    expect(parseStatCpuTicks(`123 (my (odd) name) ${fields.join(' ')}`)).toBe(175);
  });

  it('reads kB values of /proc/<pid>/status in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(parseStatusKb(status, 'VmRSS')).toBe(102400 * 1024);
    expect(parseStatusKb(status, 'VmHWM')).toBe(204800 * 1024);
    expect(parseStatusKb(status, 'VmSwap')).toBe(0);
  });

  it('interpolates CPU between samples and finds the peak RSS in a window', () => {
    const samples = [
      { t: 1000, cpuSeconds: 0, rssBytes: 10 },
      { t: 2000, cpuSeconds: 1, rssBytes: 30 },
      { t: 3000, cpuSeconds: 3, rssBytes: 20 },
    ];
    expect(cpuBetween(samples, 1500, 2500)).toBeCloseTo(1.5);
    expect(cpuBetween(samples, 0, 5000)).toBe(3);
    expect(peakRssBetween(samples)).toBe(30);
    expect(peakRssBetween(samples, 2500, 3000)).toBe(20);
    expect(cpuBetween([], 0, 1)).toBe(0);
  });

  it('samples this very process', () => {
    const own = readProcess(process.pid);
    if (!own) return; // not Linux
    expect(own.rssBytes).toBeGreaterThan(0);
    const sampler = new ProcessGroupSampler(50);
    sampler.add(process.pid);
    let x = 0;
    for (let i = 0; i < 2e7; i++) x += i;
    expect(x).toBeGreaterThan(0);
    const s = sampler.sample();
    expect(s.rssBytes).toBeGreaterThan(0);
    expect(s.cpuSeconds).toBeGreaterThan(0);
    expect(sampler.perProcess().get(process.pid)?.hwmBytes).toBeGreaterThan(0);
  });

  it('keeps the last reading of a process that is gone', () => {
    const sampler = new ProcessGroupSampler();
    sampler.add(2 ** 22 + 7); // no such pid
    expect(sampler.sample()).toMatchObject({ cpuSeconds: 0, rssBytes: 0 });
  });
});
