import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { resolveUnitFlow } from './unit-flow';

const config = loadMirrorConfigOrThrow(
  ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'),
);

describe('resolveUnitFlow', () => {
  it('finds the enabled flow a unit names', () => {
    const resolved = resolveUnitFlow(config, 'acls/A->B', 'acls');
    expect(resolved.ok && resolved.flow.name).toBe('A->B');
  });

  it('refuses units of another kind or that do not parse', () => {
    expect(resolveUnitFlow(config, 'topics/A->B', 'acls')).toMatchObject({ ok: false, cause: 'BAD_UNIT' });
    expect(resolveUnitFlow(config, 'nonsense', 'acls')).toMatchObject({ ok: false, cause: 'BAD_UNIT' });
  });

  it('says when the flow is unknown or not enabled', () => {
    expect(resolveUnitFlow(config, 'acls/A->C', 'acls')).toMatchObject({ ok: false, cause: 'UNKNOWN_FLOW' });
    expect(resolveUnitFlow(config, 'acls/B->A', 'acls')).toMatchObject({
      ok: false,
      cause: 'FLOW_DISABLED',
      message: expect.stringContaining('B->A.enabled = true'),
    });
  });
});
