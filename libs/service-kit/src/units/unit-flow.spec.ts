import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { resolveUnitFlow } from './unit-flow';

const config = loadMirrorConfigOrThrow(
  ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'),
);

describe('resolveUnitFlow', () => {
  it('finds the enabled flow a unit names', () => {
    const resolved = resolveUnitFlow(config, 'topics/A->B', 'topics');
    expect(resolved.ok && resolved.flow.name).toBe('A->B');
  });

  it('refuses units of another kind or that do not parse', () => {
    expect(resolveUnitFlow(config, 'acls/A->B', 'topics')).toMatchObject({ ok: false, cause: 'BAD_UNIT' });
    expect(resolveUnitFlow(config, 'nonsense', 'topics')).toMatchObject({ ok: false, cause: 'BAD_UNIT' });
  });

  it('says when the flow is unknown or not enabled', () => {
    expect(resolveUnitFlow(config, 'topics/A->C', 'topics')).toMatchObject({ ok: false, cause: 'UNKNOWN_FLOW' });
    expect(resolveUnitFlow(config, 'topics/B->A', 'topics')).toMatchObject({
      ok: false,
      cause: 'FLOW_DISABLED',
      message: expect.stringContaining('B->A.enabled = true'),
    });
  });
});
