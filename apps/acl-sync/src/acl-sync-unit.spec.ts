import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { KafkaError } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { eventually } from '@mirrormaker/testing';
import { Registry } from 'prom-client';
import { aclRules } from './acl-rules';
import { createAclSyncMetrics } from './acl-sync-metrics';
import { AclSyncUnit } from './acl-sync-unit';
import { FakeAclAdmin } from './testing/fake-acl-admin';

const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'));
const flow = findFlow(config, 'A->B')!;

function acl(resourceName: string, operation: AclBinding['operation'], more: Partial<AclBinding> = {}): AclBinding {
  return { resourceType: 'TOPIC', resourceName, patternType: 'LITERAL', principal: 'User:alice', host: '*', operation, permissionType: 'ALLOW', ...more };
}

/** The fakes answer at once: poll them often. */
const quickly = { timeoutMs: 2_000, intervalMs: 5 };

function setUp(intervalMs = 20, groups = false) {
  const source = new FakeAclAdmin();
  const target = new FakeAclAdmin();
  const registry = new Registry();
  const unit = new AclSyncUnit({
    unitId: 'acls/A->B',
    flow: 'A->B',
    rules: aclRules(flow, groups),
    intervalMs,
    source: { alias: 'A', admin: source },
    target: { alias: 'B', principal: 'User:bob', admin: target },
    metrics: createAclSyncMetrics(registry),
    logger: createLogger({ service: 'test', level: 'silent' }),
    backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
  });
  return { unit, source, target, registry };
}

describe('AclSyncUnit', () => {
  let running: AclSyncUnit | undefined;
  afterEach(async () => {
    await running?.stop('test over');
    running = undefined;
  });

  it('copies the mapped ACLs right away, then only what is missing', async () => {
    const { unit, source, target, registry } = setUp();
    running = unit;
    source.bindings = [acl('t', 'READ'), acl('t', 'ALL'), acl('t', 'WRITE'), acl('t', 'READ', { patternType: 'PREFIXED' })];
    unit.start();
    await eventually('the copy', () => target.bindings.length > 0, quickly);
    expect(target.bindings).toEqual([acl('A.t', 'READ')]);
    await eventually('more runs', () => target.count('describeAcls') >= 4, quickly);
    expect(target.count('createAcls')).toBe(1);
    source.bindings.push(acl('t', 'DESCRIBE', { principal: 'User:bob', permissionType: 'DENY' }));
    await eventually('the new binding', () => target.bindings.length === 2, quickly);
    expect(target.count('createAcls')).toBe(2);
    expect(unit.status.total('topic_acl_created')).toBe(2);
    expect(unit.status.state).toBe('in-sync');
    expect(await registry.metrics()).toContain('mirrormaker_acl_sync_operations_total{flow="A->B",operation="topic_acl_created"} 2');
  });

  it('copies group ACLs only when the flow asks for it', async () => {
    const { unit, source, target } = setUp(20, true);
    running = unit;
    source.bindings = [acl('app', 'READ', { resourceType: 'GROUP' }), acl('t', 'READ')];
    unit.start();
    await eventually('the copies', () => target.bindings.length === 2, quickly);
    expect(unit.status.total('group_acl_created')).toBe(1);
  });

  it('skips a source without an authorizer and says so in its status, without errors', async () => {
    const { unit, source, target } = setUp();
    running = unit;
    source.failure = new KafkaError('SECURITY_DISABLED', 'no authorizer');
    unit.start();
    await eventually('a few runs', () => source.count('describeAcls') >= 3, quickly);
    expect(unit.status.state).toBe('idle');
    expect(unit.status.view()).toMatchObject({ detail: "source cluster 'A' has no authorizer, so there are no ACLs to copy" });
    expect(unit.errorReports()).toEqual([]);
    expect(target.calls).toEqual([]);
    source.failure = undefined;
    source.bindings = [acl('t', 'READ')];
    await eventually('the copy once an authorizer is there', () => target.bindings.length === 1, quickly);
    await eventually('the status', () => unit.status.state === 'in-sync', quickly);
  });

  it('explains a missing ACL on the target and does not retry it faster than the interval', async () => {
    const { unit, source, target } = setUp(100);
    running = unit;
    source.bindings = [acl('t', 'READ')];
    target.failure = new KafkaError('AUTHORIZATION_FAILED', 'denied', { protocolError: 'CLUSTER_AUTHORIZATION_FAILED' });
    unit.start();
    await eventually('the failure', () => unit.errorReports().length === 1, quickly);
    expect(unit.errorReports()[0]).toMatchObject({
      unitId: 'acls/A->B',
      cause: 'AUTHORIZATION_FAILED',
      message: expect.stringMatching(/^principal User:bob lacks DESCRIBE on cluster 'B' \(needed to read the ACLs\); grant it with an ACL; retrying in/),
    });
    expect(unit.status.state).toBe('retrying');
    // Three attempts: each came at least the interval (100 ms) after the one before, never at the
    // quick backoff (10-40 ms) a transient failure gets. A slow machine only widens the gaps.
    await eventually('two more attempts', () => target.count('describeAcls') >= 3, { timeoutMs: 5_000, intervalMs: 5 });
    const at = target.calls.flatMap((c, i) => (c.method === 'describeAcls' ? [target.callTimes[i]] : []));
    for (let i = 1; i < 3; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(90);
  });

  it('retries quickly while the target is unreachable and recovers', async () => {
    const { unit, source, target } = setUp(10_000);
    running = unit;
    source.bindings = [acl('t', 'READ')];
    target.failure = new KafkaError('UNREACHABLE', 'ECONNREFUSED');
    unit.start();
    await eventually('retries', () => target.count('describeAcls') >= 3, quickly);
    expect(unit.errorReports()[0]).toMatchObject({ cause: 'UNREACHABLE' });
    target.failure = undefined;
    await eventually('the copy', () => target.bindings.length === 1, quickly);
    expect(unit.errorReports()).toEqual([]);
  });

  it('stops at once while waiting and closes its clients', async () => {
    const { unit, source, target } = setUp(60_000);
    unit.start();
    await eventually('first run', () => target.count('describeAcls') >= 1, quickly);
    await unit.stop('revoked');
    expect(source.closed && target.closed).toBe(true);
    expect(unit.status.state).toBe('stopped');
  });
});
