import { packageOf, summarizeProfile, type CpuProfile } from './profile-summary';

describe('CPU profile summary', () => {
  const node = (id: number, functionName: string, url: string, lineNumber = 0) => ({ id, callFrame: { functionName, url, lineNumber } });
  const profile: CpuProfile = {
    nodes: [
      node(1, '(root)', ''),
      node(2, '(idle)', ''),
      node(3, 'encode', '/repo/node_modules/kafkajs/src/protocol/encoder.js', 9),
      node(4, 'copy', '/repo/dist/apps/data-mirror/main.js', 99),
      node(5, 'observe', '/repo/node_modules/@scope/pkg/lib/x.js'),
    ],
    startTime: 0,
    endTime: 10_000,
    // Each sample's time is the delta that follows it.
    samples: [3, 3, 4, 2, 5],
    timeDeltas: [0, 1000, 2000, 3000, 1000, 1000],
  };

  it('charges each sample to its function and package, and counts idle time apart', () => {
    const s = summarizeProfile(profile);
    expect(s.totalMs).toBe(8);
    expect(s.idleMs).toBe(1);
    expect(s.byFunction[0]).toEqual({ name: 'encode kafkajs/src/protocol/encoder.js:10', ms: 3, share: 3 / 8 });
    expect(s.byPackage.map((l) => [l.name, l.ms])).toEqual([
      ['kafkajs', 3],
      ['mirrormaker', 3],
      ['(idle)', 1],
      ['@scope/pkg', 1],
    ]);
  });

  it('names packages by their node_modules folder', () => {
    expect(packageOf('file:///a/node_modules/x/node_modules/@grpc/grpc-js/build/a.js', 'f')).toBe('@grpc/grpc-js');
    expect(packageOf('node:internal/buffer', 'f')).toBe('node:internal');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
  });
});
