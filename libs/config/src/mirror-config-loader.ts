import { buildCluster, normalizeModelledValue } from './cluster-builder';
import { resolveProviderReferences, type ProviderSources } from './config-providers';
import { sortKeys } from './connector-config';
import { MirrorConfigError } from './errors';
import { buildFlow, checkFlowPairs } from './flow-builder';
import { parseProperties } from './java-properties';
import { REMOVED_KEYS } from './key-catalog';
import { checkClusterKey, readFlowKey, readTopLevelKey } from './key-readers';
import { classifyKey, flowName } from './key-scope';
import type { ClusterConfig, FlowConfig, MirrorConfig } from './model';
import { buildOurs } from './our-settings-builder';
import { hasErrors, sortProblems, type Problem } from './problems';
import type { Located, SourceEntry } from './source-entry';
import { parseList } from './value-parsers';

export type { SourceEntry } from './source-entry';

/** Where the text of `${file:...}`/`${env:...}` references comes from. */
export type LoadOptions = ProviderSources;

export interface LoadResult {
  /** Best effort even when there are errors: invalid values fall back to the next layer or default. */
  readonly config: MirrorConfig;
  /** Every error and warning found, sorted by line. */
  readonly problems: Problem[];
}

/**
 * Reads an MM2 dedicated-mode `mm2.properties` unchanged: clusters, `<alias>.*` cluster keys,
 * `<source>-><target>.*` flow keys and top-level defaults, with MM2's precedence, plus our own keys.
 * Reports every problem at once instead of stopping at the first.
 */
export function loadMirrorConfig(text: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseProperties(text);
  return buildMirrorConfig(parsed.entries, { ...options, resolveProviders: true }, parsed.problems);
}

/** Like `loadMirrorConfig`, but throws a `MirrorConfigError` listing every problem if any is an error. */
export function loadMirrorConfigOrThrow(text: string, options: LoadOptions = {}): MirrorConfig {
  const { config, problems } = loadMirrorConfig(text, options);
  if (hasErrors(problems)) throw new MirrorConfigError('CONFIG_INVALID', problems);
  return config;
}

export interface BuildOptions extends ProviderSources {
  /** False when values are already resolved (structured input); `provided` is then taken as given. */
  readonly resolveProviders: boolean;
  readonly provided?: Readonly<Record<string, string>>;
}


const ALIAS_SHAPE = /^[^\s,]+$/;

/** The shared core of the properties and JSON loaders. */
export function buildMirrorConfig(
  input: readonly SourceEntry[],
  options: BuildOptions,
  initialProblems: readonly Problem[] = [],
): LoadResult {
  const problems: Problem[] = [...initialProblems];
  const report = (problem: Problem): void => {
    problems.push(problem);
  };

  const deduplicated = deduplicate(input, report);
  let entries: SourceEntry[] = deduplicated;
  let provided: Record<string, string> = {};
  if (options.resolveProviders) {
    const resolution = resolveProviderReferences(deduplicated, options, problems);
    entries = resolution.entries;
    provided = resolution.provided;
  } else {
    const present = new Set(entries.map((e) => e.key));
    for (const [key, template] of Object.entries(options.provided ?? {})) if (present.has(key)) provided[key] = template;
  }
  const byKey = new Map(entries.map((e) => [e.key, e]));

  const aliases = readClusters(byKey.get('clusters'), report);
  const topLevel: Record<string, string> = {};
  const unknownKeys: Record<string, string> = {};
  const clusterExplicit = new Map<string, Record<string, string>>(aliases.map((a) => [a, {}]));
  const flowExplicit = new Map<string, Record<string, string>>();
  const topSettings: Record<string, Located<unknown>> = {};
  const flowSettings = new Map<string, Record<string, Located<unknown>>>();
  const ourValues: Record<string, Located<unknown>> = {};

  for (const entry of entries) {
    if (entry.key === 'clusters') continue;
    const scope = classifyKey(entry.key, aliases);
    const at = { line: entry.line, key: entry.key };
    const removed = REMOVED_KEYS[scope.name];
    if (scope.kind !== 'bad-flow' && removed !== undefined) {
      const where =
        scope.kind === 'flow' ? `${flowName(scope.source, scope.target)}.` : scope.kind === 'cluster' ? `${scope.alias}.` : '';
      report({
        severity: removed.severity,
        code: 'removed-key',
        ...at,
        message: `${scope.name} was removed: ${removed.note}`,
        hint: removed.replacement === undefined ? 'delete the line' : `rename it to ${where}${removed.replacement} (same value)`,
      });
      continue;
    }
    switch (scope.kind) {
      case 'bad-flow': {
        unknownKeys[entry.key] = entry.value;
        if (scope.source === scope.target) {
          report({
            severity: 'error',
            code: 'self-flow',
            ...at,
            message: `flow ${flowName(scope.source, scope.target)} replicates a cluster to itself`,
            hint: 'use two different cluster aliases on each side of ->',
          });
        } else {
          const unknown = [scope.source, scope.target].filter((alias) => !aliases.includes(alias));
          report({
            severity: 'error',
            code: 'unknown-cluster',
            ...at,
            message: `flow ${flowName(scope.source, scope.target)} names cluster${unknown.length > 1 ? 's' : ''} ${unknown.join(' and ')} not listed in clusters`,
            hint: `add ${unknown.join(', ')} to clusters = ${[...aliases, ...unknown].join(', ')} or fix the alias`,
          });
        }
        break;
      }
      case 'top':
        readTopLevelKey(entry, scope.name, aliases, byKey, { topLevel, unknownKeys, topSettings, ourValues }, report);
        break;
      case 'cluster':
        clusterExplicit.get(scope.alias)![scope.name] = normalizeModelledValue(scope.name, entry.value);
        checkClusterKey(entry, scope.alias, scope.name, report);
        break;
      case 'flow': {
        const name = flowName(scope.source, scope.target);
        if (!flowExplicit.has(name)) {
          flowExplicit.set(name, {});
          flowSettings.set(name, {});
        }
        flowExplicit.get(name)![scope.name] = entry.value;
        readFlowKey(entry, scope.source, scope.target, scope.name, flowSettings.get(name)!, report);
        break;
      }
    }
  }

  const clusters: Record<string, ClusterConfig> = {};
  for (const alias of aliases) {
    clusters[alias] = buildCluster(alias, clusterExplicit.get(alias)!, topLevel, byKey, report);
  }

  const flows: FlowConfig[] = [];
  for (const source of aliases) {
    for (const target of aliases) {
      if (source === target) continue;
      const name = flowName(source, target);
      flows.push(
        buildFlow({
          source,
          target,
          explicit: flowExplicit.get(name) ?? {},
          settings: flowSettings.get(name) ?? {},
          topSettings,
          topLevel,
          sourceExplicit: clusterExplicit.get(source)!,
          targetExplicit: clusterExplicit.get(target)!,
          report,
        }),
      );
    }
  }
  checkFlowPairs(flows, flowSettings, topSettings, report);

  const ours = buildOurs(ourValues, aliases, flows, report);
  const config: MirrorConfig = {
    clusters,
    flows,
    ours,
    topLevel: sortKeys(topLevel),
    provided: sortKeys(provided),
    unknownKeys: sortKeys(unknownKeys),
  };
  return { config: deepFreeze(config), problems: sortProblems(problems) };
}

function deduplicate(input: readonly SourceEntry[], report: (problem: Problem) => void): SourceEntry[] {
  const seen = new Map<string, SourceEntry>();
  for (const entry of input) {
    const earlier = seen.get(entry.key);
    if (earlier !== undefined) {
      report({
        severity: 'warning',
        code: 'duplicate-key',
        line: entry.line,
        key: entry.key,
        message: `${entry.key} is set again${earlier.line === undefined ? '' : ` (first on line ${earlier.line})`}; the last value wins`,
        hint: 'keep only one line for this key',
      });
      seen.delete(entry.key);
    }
    seen.set(entry.key, entry);
  }
  return [...seen.values()];
}

function readClusters(entry: SourceEntry | undefined, report: (problem: Problem) => void): string[] {
  if (entry === undefined) {
    report({
      severity: 'error',
      code: 'missing-clusters',
      key: 'clusters',
      message: 'clusters is not set',
      hint: 'add a line such as clusters = A, B naming every cluster alias',
    });
    return [];
  }
  const aliases: string[] = [];
  for (const alias of parseList(entry.value)) {
    if (!ALIAS_SHAPE.test(alias) || alias.includes('->')) {
      report({
        severity: 'error',
        code: 'invalid-cluster-alias',
        line: entry.line,
        key: 'clusters',
        message: `"${alias}" is not a usable cluster alias`,
        hint: 'use a non-empty alias without spaces, commas or ->',
      });
    } else if (aliases.includes(alias)) {
      report({
        severity: 'warning',
        code: 'invalid-cluster-alias',
        line: entry.line,
        key: 'clusters',
        message: `cluster alias ${alias} is listed twice`,
        hint: 'list each alias once',
      });
    } else {
      aliases.push(alias);
    }
  }
  if (aliases.length === 0) {
    report({
      severity: 'error',
      code: 'missing-clusters',
      line: entry.line,
      key: 'clusters',
      message: 'clusters names no cluster',
      hint: 'list the cluster aliases, e.g. clusters = A, B',
    });
  }
  return aliases;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
