import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { aclKey, planAcls } from './acl-plan';
import { aclRules } from './acl-rules';

const config = loadMirrorConfigOrThrow(
  ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'A->B.groups = app-.*'].join('\n'),
);
const flow = findFlow(config, 'A->B')!;

function acl(resourceName: string, operation: AclBinding['operation'], more: Partial<AclBinding> = {}): AclBinding {
  return { resourceType: 'TOPIC', resourceName, patternType: 'LITERAL', principal: 'User:alice', host: '*', operation, permissionType: 'ALLOW', ...more };
}

describe('planAcls', () => {
  it("applies MM2's rules: READ kept, ALL narrowed to READ, WRITE dropped, PREFIXED ignored, DENY copied", () => {
    const source = [
      acl('t', 'READ'),
      acl('t', 'ALL'),
      acl('t', 'WRITE'),
      acl('t', 'READ', { patternType: 'PREFIXED' }),
      acl('t', 'READ', { permissionType: 'DENY', principal: 'User:bob' }),
      acl('t', 'WRITE', { permissionType: 'DENY', principal: 'User:bob' }),
      acl('t', 'DESCRIBE', { host: '10.0.0.1' }),
    ];
    const plan = planAcls(source, [], aclRules(flow, false));
    expect(plan.create).toEqual([
      acl('A.t', 'READ'),
      acl('A.t', 'READ', { permissionType: 'DENY', principal: 'User:bob' }),
      acl('A.t', 'WRITE', { permissionType: 'DENY', principal: 'User:bob' }),
      acl('A.t', 'DESCRIBE', { host: '10.0.0.1' }),
    ]);
    expect(plan).toMatchObject({ present: 0, ignored: 2 });
  });

  it('skips topics the flow does not replicate and what the target has already', () => {
    const source = [acl('t', 'READ'), acl('__consumer_offsets', 'READ'), acl('B.back', 'READ'), acl('u', 'DESCRIBE')];
    const plan = planAcls(source, [acl('A.t', 'READ')], aclRules(flow, false));
    expect(plan.create).toEqual([acl('A.u', 'DESCRIBE')]);
    expect(plan).toMatchObject({ present: 1, ignored: 2 });
  });

  it('does not create again what it created a moment ago and the target does not show yet', () => {
    const source = [acl('t', 'READ'), acl('u', 'READ')];
    const plan = planAcls(source, [], aclRules(flow, false), new Set([aclKey(acl('A.t', 'READ'))]));
    expect(plan.create).toEqual([acl('A.u', 'READ')]);
    expect(plan).toMatchObject({ present: 1, ignored: 0 });
  });

  it('copies READ and DESCRIBE group ACLs of filtered groups only when asked to', () => {
    const group = (name: string, operation: AclBinding['operation']) => acl(name, operation, { resourceType: 'GROUP' });
    const source = [group('app-1', 'READ'), group('app-1', 'DESCRIBE'), group('app-1', 'DELETE'), group('other', 'READ')];
    expect(planAcls(source, [], aclRules(flow, false)).create).toEqual([]);
    const plan = planAcls(source, [group('app-1', 'DESCRIBE')], aclRules(flow, true));
    expect(plan.create).toEqual([group('app-1', 'READ')]);
    expect(plan).toMatchObject({ present: 1, ignored: 2 });
  });
});
