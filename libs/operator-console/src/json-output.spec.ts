import { GetStatusResponse, ServiceKind } from '@mirrormaker/proto';
import { protoJson } from './json-output';

describe('protoJson', () => {
  it('keeps fields holding their default, with 64-bit integers as strings, enums by name and times as text', () => {
    const json = protoJson(GetStatusResponse, {
      configRevision: 3n,
      configSource: 'stored',
      leaderAddress: '',
      answeredBy: 'standalone',
      coordinators: [],
      configWarnings: [],
      flows: [
        {
          flow: { source: 'a', target: 'b' },
          enabled: true,
          paused: false,
          groups: ['g', 'h'],
          errors: [],
          lastDiscovery: new Date('2026-12-01T10:00:00Z'),
          checkpointAgeMs: 0n,
          groupCheckpoints: [
            { group: 'g', checkpointAgeMs: 0n },
            { group: 'h', checkpointAgeMs: -1n },
          ],
          topics: [
            {
              sourceTopic: 't',
              remoteTopic: 'a.t',
              latencyP50Ms: 0,
              latencyP99Ms: 0,
              latencySamples: 0n,
              partitions: [{ partition: 0, holder: 'dm', epoch: 1n, position: 9n, lag: 0n, recordsPerSecond: 0, stalledReason: '', bytesPerSecond: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencySamples: 0n }],
            },
          ],
        },
      ],
      instances: [{ instanceId: 'dm', kind: ServiceKind.SERVICE_KIND_DATA_MIRROR, unitIds: ['u'], draining: false, version: 'v', appliedConfigRevision: 0n, configError: '' }],
    });
    expect(json).toEqual({
      configRevision: '3',
      configSource: 'stored',
      leaderAddress: '',
      answeredBy: 'standalone',
      coordinators: [],
      configWarnings: [],
      flows: [
        {
          flow: { source: 'a', target: 'b' },
          enabled: true,
          paused: false,
          groups: ['g', 'h'],
          errors: [],
          lastDiscovery: '2026-12-01T10:00:00.000Z',
          // a checkpoint written this moment is "0", one not written yet "-1": neither is left out
          checkpointAgeMs: '0',
          groupCheckpoints: [
            { group: 'g', checkpointAgeMs: '0' },
            { group: 'h', checkpointAgeMs: '-1' },
          ],
          topics: [
            {
              sourceTopic: 't',
              remoteTopic: 'a.t',
              latencyP50Ms: 0,
              latencyP99Ms: 0,
              latencySamples: '0',
              partitions: [{ partition: 0, holder: 'dm', epoch: '1', position: '9', lag: '0', recordsPerSecond: 0, stalledReason: '', bytesPerSecond: 0, latencyP50Ms: 0, latencyP99Ms: 0, latencySamples: '0' }],
            },
          ],
        },
      ],
      instances: [{ instanceId: 'dm', kind: 'SERVICE_KIND_DATA_MIRROR', unitIds: ['u'], draining: false, version: 'v', appliedConfigRevision: '0', configError: '' }],
    });
  });
});
