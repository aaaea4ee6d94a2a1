import { loadMirrorConfigOrThrow, findFlow } from '@mirrormaker/config';
import { decodeRevision, deleteFlowProperties, encodeRevision, patchFlowProperties } from './config-revision';

const base = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', 'A->B.topics = orders.*'].join('\n');
const load = (text: string) => loadMirrorConfigOrThrow(text, { env: {}, readFile: () => '' });

describe('config revisions', () => {
  it('round-trip through the stored record', () => {
    const rev = { revision: 7, properties: base, paused: ['A->B'], writtenAt: '2026-01-01T00:00:00.000Z' };
    expect(decodeRevision(encodeRevision(rev))).toEqual(rev);
  });

  it('ignore tombstones and foreign values', () => {
    expect(decodeRevision(null)).toBeUndefined();
    expect(decodeRevision(Buffer.from('not json'))).toBeUndefined();
    expect(decodeRevision(Buffer.from('{"revision":"x"}'))).toBeUndefined();
  });

  it('patch one flow: set replaces, unset removes, other keys stay', () => {
    const patched = load(patchFlowProperties(base, 'A->B', { topics: 'payments', 'offset.lag.max': '50' }, ['enabled']));
    const flow = findFlow(patched, 'A->B')!;
    expect(flow.topics).toEqual(['payments']);
    expect(flow.offsetLagMax).toBe(50);
    expect(flow.enabled).toBe(false);
    expect(patched.clusters.A.bootstrapServers).toEqual(['a:9092']);
  });

  it('delete a flow: its keys go and it is disabled', () => {
    const deleted = load(deleteFlowProperties(base, 'A->B'));
    const flow = findFlow(deleted, 'A->B')!;
    expect(flow.enabled).toBe(false);
    expect(flow.topics).toEqual(['.*']);
  });
});
