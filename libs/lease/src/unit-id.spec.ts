import { isLeaseError } from './errors';
import { parseUnitId, serviceKindOf, unitId, type UnitRef } from './unit-id';

describe('unit ids', () => {
  const refs: UnitRef[] = [
    { kind: 'partition', flow: 'A->B', topic: 'orders', partition: 3 },
    { kind: 'partition', flow: 'us-west->us-east', topic: 'a.b_c-d', partition: 0 },
    { kind: 'partition', flow: 'odd/alias%->B', topic: 'x%2Fy', partition: 12 },
    { kind: 'heartbeat', flow: 'A->B' },
    { kind: 'groups', flow: 'A->B', shard: 2 },
    { kind: 'topics', flow: 'A->B' },
    { kind: 'acls', flow: 'A->B' },
  ];

  it('round-trips every kind, including names with "/" and "%"', () => {
    for (const ref of refs) expect(parseUnitId(unitId(ref))).toEqual(ref);
  });

  it('reads like the protocol examples', () => {
    expect(unitId(refs[0])).toBe('partition/A->B/orders/3');
    expect(unitId(refs[3])).toBe('heartbeat/A->B');
    expect(unitId(refs[4])).toBe('groups/A->B/2');
  });

  it('maps each kind to the service that serves it', () => {
    expect(refs.map((ref) => serviceKindOf(ref))).toEqual([
      'data-mirror',
      'data-mirror',
      'data-mirror',
      'data-mirror',
      'offset-sync',
      'topic-config-sync',
      'acl-sync',
    ]);
    expect(serviceKindOf('groups/A->B/0')).toBe('offset-sync');
  });

  it.each(['', 'partition', 'partition/A->B/t', 'partition/A->B/t/-1', 'partition/A->B/t/01', 'groups/A->B/x', 'acls//', 'acls/', 'nope/A->B', 'topics/A->B/extra'])(
    'rejects %p',
    (id) => {
      let code: string | undefined;
      try {
        parseUnitId(id);
      } catch (err) {
        code = isLeaseError(err) ? err.code : 'other';
      }
      expect(code).toBe('INVALID_UNIT_ID');
    },
  );

  it('refuses to build ids from invalid fields', () => {
    expect(() => unitId({ kind: 'partition', flow: 'A->B', topic: '', partition: 0 })).toThrow();
    expect(() => unitId({ kind: 'groups', flow: 'A->B', shard: 1.5 })).toThrow();
    expect(() => unitId({ kind: 'acls', flow: '' })).toThrow();
  });
});
