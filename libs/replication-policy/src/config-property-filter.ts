import { compileNamePattern, matchesWholeName, type PatternList } from './name-pattern';

export interface ConfigPropertyFilter {
  shouldReplicateConfigProperty(name: string): boolean;
  /** Whether a source value that is only the source's default should still be copied. */
  shouldReplicateSourceDefault(name: string): boolean;
}

/** `config.properties.exclude` default. */
export const DEFAULT_CONFIG_PROPERTIES_EXCLUDE: readonly string[] = Object.freeze([
  'follower\\.replication\\.throttled\\.replicas',
  'leader\\.replication\\.throttled\\.replicas',
  'message\\.timestamp\\.difference\\.max\\.ms',
  'message\\.timestamp\\.type',
  'unclean\\.leader\\.election\\.enable',
  'min\\.insync\\.replicas',
]);

export interface DefaultConfigPropertyFilterOptions {
  /** `config.properties.exclude`. @default DEFAULT_CONFIG_PROPERTIES_EXCLUDE */
  readonly configPropertiesExclude?: PatternList;
  /** `use.defaults.from`: only the exact value `source` copies source defaults. @default 'target' */
  readonly useDefaultsFrom?: string;
}

export class DefaultConfigPropertyFilter implements ConfigPropertyFilter {
  private readonly exclude: RegExp | null;
  private readonly useSourceDefaults: boolean;

  constructor(options: DefaultConfigPropertyFilterOptions = {}) {
    this.exclude = compileNamePattern(options.configPropertiesExclude ?? DEFAULT_CONFIG_PROPERTIES_EXCLUDE);
    this.useSourceDefaults = (options.useDefaultsFrom ?? 'target') === 'source';
  }

  shouldReplicateConfigProperty(name: string): boolean {
    return !matchesWholeName(this.exclude, name);
  }

  shouldReplicateSourceDefault(_name: string): boolean {
    return this.useSourceDefaults;
  }
}
