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
          groups: [],
          errors: [],
          lastDiscovery: new Date('2026-12-01T10:00:00Z'),
          topics: [{ sourceTopic: 't', remoteTopic: 'a.t', partitions: [{ partition: 0, holder: 'dm', epoch: 1n, position: 9n, lag: 0n, recordsPerSecond: 0, stalledReason: '', bytesPerSecond: 0 }] }],
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
          groups: [],
          errors: [],
          lastDiscovery: '2026-12-01T10:00:00.000Z',
          topics: [{ sourceTopic: 't', remoteTopic: 'a.t', partitions: [{ partition: 0, holder: 'dm', epoch: '1', position: '9', lag: '0', recordsPerSecond: 0, stalledReason: '', bytesPerSecond: 0 }] }],
        },
      ],
      instances: [{ instanceId: 'dm', kind: 'SERVICE_KIND_DATA_MIRROR', unitIds: ['u'], draining: false, version: 'v', appliedConfigRevision: '0', configError: '' }],
    });
  });
});
