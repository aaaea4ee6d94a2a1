import { changedFlows } from './flow-changes';
import { loadMirrorConfigOrThrow } from './mirror-config-loader';

const load = (...lines: string[]) =>
  loadMirrorConfigOrThrow(
    ['clusters = A, B, C', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'C.bootstrap.servers = c:9092', 'A->B.enabled = true', 'A->C.enabled = true', ...lines].join('\n'),
    { env: {} },
  );

describe('changedFlows', () => {
  it('names no flow when a revision changes nothing a unit runs on', () => {
    expect(changedFlows(load('A->B.topics = orders'), load('A->B.topics = orders', '# a comment'))).toEqual(new Set());
  });

  it('names only the flow whose settings changed', () => {
    expect(changedFlows(load('A->B.topics = orders'), load('A->B.topics = orders, payments'))).toEqual(new Set(['A->B']));
  });

  it('names every flow of a cluster whose connection or client overrides changed', () => {
    const changed = changedFlows(load(), load('A.consumer.client.rack = eu-1a'));
    expect(changed.has('A->B') && changed.has('A->C')).toBe(true);
    const touchingC = load().flows.filter((f) => f.source === 'C' || f.target === 'C').map((f) => f.name);
    expect(touchingC).toContain('A->C');
    expect(changedFlows(load(), load('C.bootstrap.servers = c2:9092'))).toEqual(new Set(touchingC));
  });

  it('names flows that were added or removed, and every flow when there was no config before', () => {
    const before = load();
    const after = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'), { env: {} });
    expect(changedFlows(before, after).has('A->C')).toBe(true);
    expect(changedFlows(before, after).has('A->B')).toBe(false);
    expect(changedFlows(undefined, after)).toEqual(new Set(after.flows.map((f) => f.name)));
  });
});
