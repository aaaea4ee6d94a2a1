import { findFlow, loadMirrorConfig } from '@mirrormaker/config';
import { groupAclSetting } from './group-acl-setting';

function settingFor(...lines: string[]) {
  const { config } = loadMirrorConfig(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', ...lines].join('\n'));
  return groupAclSetting(config, findFlow(config, 'A->B')!);
}

describe('groupAclSetting', () => {
  it('is off by default', () => {
    expect(settingFor()).toEqual({ enabled: false });
  });

  it('reads the flow key first, then the top-level one', () => {
    expect(settingFor('A->B.sync.group.acls.enabled = true')).toEqual({ enabled: true });
    expect(settingFor('sync.group.acls.enabled = TRUE')).toEqual({ enabled: true });
    expect(settingFor('sync.group.acls.enabled = true', 'A->B.sync.group.acls.enabled = false')).toEqual({ enabled: false });
  });

  it('stays off and says so for a value that is not a boolean', () => {
    expect(settingFor('A->B.sync.group.acls.enabled = yes')).toEqual({ enabled: false, invalid: 'yes' });
  });
});
