import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { MIN_INTERVAL_MS, resolveGroupsUnit } from './groups-unit-plan';

const config = (extra: string[] = []) =>
  loadMirrorConfigOrThrow(
    ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', ...extra, ''].join('\n'),
  );

describe('resolveGroupsUnit', () => {
  it('derives names, placement and our default intervals for groups/A->B/0', () => {
    const result = resolveGroupsUnit(config(), 'groups/A->B/0');
    if (!result.ok) throw new Error(result.message);
    const { plan } = result;
    expect(plan.flow.name).toBe('A->B');
    expect(plan.checkpointsTopic).toBe('A.checkpoints.internal');
    expect(plan.offsetSyncs).toEqual({ cluster: 'source', topic: 'mm2-offset-syncs.B.internal' });
    expect(plan.checkpointIntervalMs).toBe(1000);
    expect(plan.groupSyncIntervalMs).toBeNull();
    expect(plan.targetIntervalMs).toBe(1000);
    expect(plan.renameTopic('t')).toBe('A.t');
    expect(plan.renameTopic('B.t')).toBe('t');
    expect(plan.renameTopic('C.t')).toBe('A.C.t');
  });

  it('follows offset-syncs.topic.location=target, the separator and the sync interval', () => {
    const result = resolveGroupsUnit(
      config([
        'A->B.offset-syncs.topic.location = target',
        'replication.policy.separator = _',
        'A->B.sync.group.offsets.enabled = true',
        'A->B.sync.group.offsets.interval.seconds = 5',
        'A->B.emit.checkpoints.interval.seconds = 0',
      ]),
      'groups/A->B/0',
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.plan.offsetSyncs).toEqual({ cluster: 'target', topic: 'mm2-offset-syncs_A_internal' });
    expect(result.plan.checkpointsTopic).toBe('A_checkpoints_internal');
    expect(result.plan.groupSyncIntervalMs).toBe(5000);
    expect(result.plan.targetIntervalMs).toBe(5000);
    expect(result.plan.checkpointIntervalMs).toBe(MIN_INTERVAL_MS);
  });

  it.each([
    ['partition/A->B/t/0', [], 'NOT_A_GROUPS_UNIT'],
    ['nonsense', [], 'NOT_A_GROUPS_UNIT'],
    ['groups/A->C/0', [], 'UNKNOWN_FLOW'],
    ['groups/B->A/0', [], 'FLOW_DISABLED'],
    ['groups/A->B/0', ['A->B.emit.checkpoints.enabled = false'], 'CHECKPOINTS_DISABLED'],
    ['groups/A->B/0', ['A->B.emit.offset-syncs.enabled = false'], 'OFFSET_SYNCS_DISABLED'],
    ['groups/A->B/1', [], 'UNSUPPORTED_SHARD'],
  ])('refuses %s (%j) with %s', (unit, extra, cause) => {
    const result = resolveGroupsUnit(config(extra), unit);
    expect(result).toMatchObject({ ok: false, cause });
  });
});
