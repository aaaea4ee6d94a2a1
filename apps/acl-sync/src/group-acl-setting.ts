import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';

/**
 * Our own flow key (MM2 has none): also copy READ and DESCRIBE ACLs of consumer groups that pass
 * the flow's group filter, so consumers that fail over find their group usable on the target.
 * Per flow (`A->B.sync.group.acls.enabled`) or top-level; off unless set to true.
 */
export const SYNC_GROUP_ACLS_KEY = 'sync.group.acls.enabled';

export interface GroupAclSetting {
  readonly enabled: boolean;
  /** The value as written when it is neither true nor false (then the feature stays off). */
  readonly invalid?: string;
}

export function groupAclSetting(config: MirrorConfig, flow: FlowConfig): GroupAclSetting {
  const raw = flow.extra[SYNC_GROUP_ACLS_KEY] ?? config.unknownKeys[SYNC_GROUP_ACLS_KEY];
  if (raw === undefined) return { enabled: false };
  const value = raw.trim().toLowerCase();
  if (value === 'true') return { enabled: true };
  if (value === 'false') return { enabled: false };
  return { enabled: false, invalid: raw };
}
