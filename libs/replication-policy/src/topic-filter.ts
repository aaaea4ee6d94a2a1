import { compileNamePattern, matchesWholeName, type PatternList } from './name-pattern';

export interface TopicFilter {
  shouldReplicateTopic(topic: string): boolean;
}

/** `topics` default. */
export const DEFAULT_TOPICS_INCLUDE: readonly string[] = Object.freeze(['.*']);
/** `topics.exclude` default. */
export const DEFAULT_TOPICS_EXCLUDE: readonly string[] = Object.freeze(['.*[\\-\\.]internal', '.*\\.replica', '__.*']);

export interface DefaultTopicFilterOptions {
  /** `topics`. @default DEFAULT_TOPICS_INCLUDE */
  readonly topics?: PatternList;
  /** `topics.exclude`. @default DEFAULT_TOPICS_EXCLUDE */
  readonly topicsExclude?: PatternList;
}

/** Included by `topics` and not excluded by `topics.exclude`, both matched against the whole name. */
export class DefaultTopicFilter implements TopicFilter {
  private readonly include: RegExp | null;
  private readonly exclude: RegExp | null;

  constructor(options: DefaultTopicFilterOptions = {}) {
    this.include = compileNamePattern(options.topics ?? DEFAULT_TOPICS_INCLUDE);
    this.exclude = compileNamePattern(options.topicsExclude ?? DEFAULT_TOPICS_EXCLUDE);
  }

  shouldReplicateTopic(topic: string): boolean {
    return matchesWholeName(this.include, topic) && !matchesWholeName(this.exclude, topic);
  }
}

