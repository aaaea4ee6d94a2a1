import { compileNamePattern, matchesWholeName, type PatternList } from './name-pattern';

export interface GroupFilter {
  shouldReplicateGroup(group: string): boolean;
}

/** `groups` default. */
export const DEFAULT_GROUPS_INCLUDE: readonly string[] = Object.freeze(['.*']);
/** `groups.exclude` default. */
export const DEFAULT_GROUPS_EXCLUDE: readonly string[] = Object.freeze(['console-consumer-.*', 'connect-.*', '__.*']);

export interface DefaultGroupFilterOptions {
  /** `groups`. @default DEFAULT_GROUPS_INCLUDE */
  readonly groups?: PatternList;
  /** `groups.exclude`. @default DEFAULT_GROUPS_EXCLUDE */
  readonly groupsExclude?: PatternList;
}

/** Included by `groups` and not excluded by `groups.exclude`, both matched against the whole name. */
export class DefaultGroupFilter implements GroupFilter {
  private readonly include: RegExp | null;
  private readonly exclude: RegExp | null;

  constructor(options: DefaultGroupFilterOptions = {}) {
    this.include = compileNamePattern(options.groups ?? DEFAULT_GROUPS_INCLUDE);
    this.exclude = compileNamePattern(options.groupsExclude ?? DEFAULT_GROUPS_EXCLUDE);
  }

  shouldReplicateGroup(group: string): boolean {
    return matchesWholeName(this.include, group) && !matchesWholeName(this.exclude, group);
  }
}
