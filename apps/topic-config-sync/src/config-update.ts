import {
  incrementalConfigChanges,
  mergeForFullAlter,
  type ConfigPropertyFilter,
  type TopicConfigEntry,
} from '@mirrormaker/replication-policy';

export interface ConfigUpdate {
  /** Every topic-level override the remote topic should have afterwards (AlterConfigs replaces them all). */
  readonly fullSet: Readonly<Record<string, string>>;
  /** Names MM2 would SET. */
  readonly set: readonly string[];
  /** Names MM2 would DELETE (back to the target's default). */
  readonly deleted: readonly string[];
}

/**
 * The config write that brings a remote topic in line with its source by MM2's incremental rules,
 * or null when it is in line already. Since only the non-incremental AlterConfigs is available, the
 * write carries the target's current overrides too, so the ones MM2 never touches (excluded
 * properties such as `min.insync.replicas`, settings made only on the target for keys the source
 * does not report) survive.
 */
export function configUpdate(
  sourceEntries: Iterable<TopicConfigEntry>,
  targetEntries: readonly TopicConfigEntry[],
  filter: ConfigPropertyFilter,
): ConfigUpdate | null {
  const changes = incrementalConfigChanges(sourceEntries, targetEntries, filter);
  const set = Object.keys(changes.set).sort();
  if (set.length === 0 && changes.delete.length === 0) return null;
  return { fullSet: mergeForFullAlter(targetEntries, changes), set, deleted: [...changes.delete].sort() };
}
