import { parseProperties } from './java-properties';
import { translateJavaRegex } from './java-regex';
import type { Problem } from './problems';
import { javaTrim, parseList, simpleName } from './value-parsers';

/** What the caller lends us to resolve `${provider:path:key}` references; we never touch I/O. */
export interface ProviderSources {
  /** Environment for `${env:NAME}`; missing means an empty environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Returns a file's text for `${file:path:key}` (a .properties file) and `${dir:path:name}`. A
   * refusal may carry a `hint` (the fix), which then replaces the generic one in the problem.
   */
  readonly readFile?: (path: string) => string;
}

export interface ResolvableEntry {
  readonly key: string;
  readonly value: string;
  readonly line?: number;
}

export interface ProviderResolution<E extends ResolvableEntry> {
  readonly entries: E[];
  /** Keys whose value used at least one reference, mapped to the value as written. */
  readonly provided: Record<string, string>;
}

type ProviderKind = 'file' | 'env' | 'directory';

interface ProviderDefinition {
  readonly kind: ProviderKind;
  readonly params: Record<string, string>;
  readonly implicit: boolean;
}

const PROVIDER_CLASSES: Record<string, ProviderKind> = {
  'org.apache.kafka.common.config.provider.FileConfigProvider': 'file',
  'org.apache.kafka.common.config.provider.EnvVarConfigProvider': 'env',
  'org.apache.kafka.common.config.provider.DirectoryConfigProvider': 'directory',
};

export const CONFIG_PROVIDERS_KEY = 'config.providers';

// Same shape as Kafka's ConfigTransformer: `${provider:key}` or `${provider:path:key}`.
const REFERENCE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

/** True if the value contains a `${provider:...}` reference. */
export function hasReference(value: string): boolean {
  REFERENCE.lastIndex = 0;
  return REFERENCE.test(value);
}

/** Replaces the value of every reference in `value` with `replacement`, keeping the rest. */
export function replaceReferences(value: string, replacement: string): string {
  return value.replace(REFERENCE, replacement);
}

/**
 * Resolves provider references in every value except the `config.providers*` keys themselves.
 * Providers are those declared in `config.providers` (File, EnvVar and Directory classes); when that
 * key is absent, `file` and `env` are available anyway, with a warning because MM2 would leave
 * such references unresolved. A reference that cannot be resolved stays as written and is an error.
 */
export function resolveProviderReferences<E extends ResolvableEntry>(
  entries: readonly E[],
  sources: ProviderSources,
  problems: Problem[],
): ProviderResolution<E> {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const providers = declaredProviders(byKey, problems);
  const fileCache = new Map<string, Record<string, string> | Error>();
  const provided: Record<string, string> = {};
  const warnedImplicit = new Set<string>();

  const resolved = entries.map((entry) => {
    if (entry.key.startsWith(CONFIG_PROVIDERS_KEY) || !entry.value.includes('${')) {
      return entry;
    }
    let used = false;
    const report = (message: string, hint: string, severity: 'error' | 'warning' = 'error'): void => {
      problems.push({ severity, code: 'provider', line: entry.line, key: entry.key, message, hint });
    };
    const value = entry.value.replace(REFERENCE, (whole, name: string, path: string | undefined, key: string) => {
      const provider = providers.get(name);
      if (provider === undefined) {
        report(
          `no config provider named "${name}" for reference ${whole}`,
          `declare it: config.providers=${name} and config.providers.${name}.class=<FileConfigProvider|EnvVarConfigProvider|DirectoryConfigProvider>`,
        );
        return whole;
      }
      if (provider.implicit && !warnedImplicit.has(name)) {
        warnedImplicit.add(name);
        report(
          `provider "${name}" is used without being declared; MM2 would keep ${whole} as literal text`,
          `add config.providers=${[...providers.keys()].join(',')} with their .class keys`,
          'warning',
        );
      }
      const result = lookUp(provider, name, path ?? '', key, sources, fileCache);
      if (typeof result === 'string') {
        used = true;
        return result;
      }
      report(result.message, result.hint);
      return whole;
    });
    if (!used) {
      return entry;
    }
    provided[entry.key] = entry.value;
    return { ...entry, value };
  });
  return { entries: resolved, provided };
}

function providerKind(className: string): ProviderKind | undefined {
  return Object.entries(PROVIDER_CLASSES).find(([full]) => full === className || simpleName(full) === className)?.[1];
}

/**
 * The name under which `${name:path:key}` reads a properties file: `file` when `config.providers`
 * is not declared (the implicit providers), else the first declared FileConfigProvider, if any.
 */
export function fileProviderName(entries: readonly ResolvableEntry[]): string | undefined {
  const byKey = new Map(entries.map((e) => [e.key, e.value]));
  const declaration = byKey.get(CONFIG_PROVIDERS_KEY);
  if (declaration === undefined) return 'file';
  return parseList(declaration).find((name) => {
    const className = byKey.get(`${CONFIG_PROVIDERS_KEY}.${name}.class`);
    return className !== undefined && providerKind(javaTrim(className)) === 'file';
  });
}

function declaredProviders(byKey: Map<string, ResolvableEntry>, problems: Problem[]): Map<string, ProviderDefinition> {
  const providers = new Map<string, ProviderDefinition>();
  const declaration = byKey.get(CONFIG_PROVIDERS_KEY);
  if (declaration === undefined) {
    providers.set('file', { kind: 'file', params: {}, implicit: true });
    providers.set('env', { kind: 'env', params: {}, implicit: true });
    return providers;
  }
  for (const name of parseList(declaration.value)) {
    const classKey = `${CONFIG_PROVIDERS_KEY}.${name}.class`;
    const classEntry = byKey.get(classKey);
    if (classEntry === undefined) {
      problems.push({
        severity: 'error',
        code: 'provider',
        line: declaration.line,
        key: classKey,
        message: `config provider "${name}" has no class`,
        hint: `add ${classKey}=org.apache.kafka.common.config.provider.FileConfigProvider (or EnvVarConfigProvider, DirectoryConfigProvider)`,
      });
      continue;
    }
    const className = javaTrim(classEntry.value);
    const kind = providerKind(className);
    if (kind === undefined) {
      problems.push({
        severity: 'error',
        code: 'unsupported-class',
        line: classEntry.line,
        key: classKey,
        message: `config provider class "${className}" is not available`,
        hint: 'use FileConfigProvider, EnvVarConfigProvider or DirectoryConfigProvider from org.apache.kafka.common.config.provider',
      });
      continue;
    }
    const paramPrefix = `${CONFIG_PROVIDERS_KEY}.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [key, entry] of byKey) {
      if (key.startsWith(paramPrefix)) params[key.slice(paramPrefix.length)] = entry.value;
    }
    providers.set(name, { kind, params, implicit: false });
  }
  return providers;
}

type LookUpFailure = { message: string; hint: string };

function lookUp(
  provider: ProviderDefinition,
  name: string,
  path: string,
  key: string,
  sources: ProviderSources,
  fileCache: Map<string, Record<string, string> | Error>,
): string | LookUpFailure {
  switch (provider.kind) {
    case 'env':
      return lookUpEnv(provider, name, path, key, sources);
    case 'file':
      return lookUpFile(provider, name, path, key, sources, fileCache);
    case 'directory':
      return lookUpDirectory(provider, name, path, key, sources);
  }
}

function lookUpEnv(
  provider: ProviderDefinition,
  name: string,
  path: string,
  key: string,
  sources: ProviderSources,
): string | LookUpFailure {
  if (path !== '') {
    return { message: `the env provider takes no path (got "${path}")`, hint: `write \${${name}:${key}}` };
  }
  const allowlist = provider.params['allowlist.pattern'];
  if (allowlist !== undefined) {
    const check = translateJavaRegex(allowlist);
    if (!check.ok || !new RegExp(`^(?:${check.source})$`).test(key)) {
      return {
        message: `environment variable ${key} is not allowed by config.providers.${name}.param.allowlist.pattern`,
        hint: 'widen the allowlist pattern or use an allowed variable',
      };
    }
  }
  const value = sources.env?.[key];
  if (value === undefined) {
    return { message: `environment variable ${key} is not set`, hint: `export ${key} before starting, or fix the name` };
  }
  return value;
}

function lookUpFile(
  provider: ProviderDefinition,
  name: string,
  path: string,
  key: string,
  sources: ProviderSources,
  fileCache: Map<string, Record<string, string> | Error>,
): string | LookUpFailure {
  if (path === '') {
    return { message: `the ${name} provider needs a file path`, hint: `write \${${name}:/path/to/file.properties:${key}}` };
  }
  const allowed = allowedPath(provider, name, path);
  if (typeof allowed !== 'string') return allowed;
  path = allowed;
  let data = fileCache.get(path);
  if (data === undefined) {
    data = readPropertiesFile(path, sources);
    fileCache.set(path, data);
  }
  if (data instanceof Error) {
    return { message: `cannot read ${path}: ${data.message}`, hint: readFailureHint(data) };
  }
  const value = data[key];
  if (value === undefined) {
    return { message: `key "${key}" is not in ${path}`, hint: `add ${key}=... to ${path} or fix the key name` };
  }
  return value;
}

function readPropertiesFile(path: string, sources: ProviderSources): Record<string, string> | Error {
  if (sources.readFile === undefined) {
    return new Error('no file reader was supplied');
  }
  try {
    const data: Record<string, string> = {};
    for (const entry of parseProperties(sources.readFile(path)).entries) data[entry.key] = entry.value;
    return data;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The fix a refusing reader named, else the usual one. */
function readFailureHint(error: unknown): string {
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  return typeof hint === 'string' ? hint : 'check that the file exists and is readable';
}

function lookUpDirectory(
  provider: ProviderDefinition,
  name: string,
  path: string,
  key: string,
  sources: ProviderSources,
): string | LookUpFailure {
  if (path === '') {
    return { message: `the ${name} provider needs a directory`, hint: `write \${${name}:/path/to/dir:${key}}` };
  }
  const allowed = allowedPath(provider, name, path);
  if (typeof allowed !== 'string') return allowed;
  path = allowed;
  const file = path.endsWith('/') ? `${path}${key}` : `${path}/${key}`;
  if (sources.readFile === undefined) {
    return { message: `cannot read ${file}: no file reader was supplied`, hint: 'pass readFile when loading' };
  }
  try {
    return sources.readFile(file);
  } catch (error) {
    return { message: `cannot read ${file}: ${(error as Error).message}`, hint: readFailureHint(error) };
  }
}

/** The path to read (normalized when `allowed.paths` is set, as Kafka does), or why it may not be read. */
function allowedPath(provider: ProviderDefinition, name: string, path: string): string | LookUpFailure {
  const allowed = provider.params['allowed.paths'];
  if (allowed === undefined || allowed === '') return path;
  const target = normalizePath(path);
  const ok = allowed.split(',').some((base) => isUnder(target, normalizePath(base.trim())));
  return ok
    ? target.join('/')
    : {
        message: `${path} is outside config.providers.${name}.param.allowed.paths`,
        hint: 'move the file under an allowed path or extend allowed.paths',
      };
}

function normalizePath(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return path.startsWith('/') ? ['', ...parts] : parts;
}

function isUnder(target: string[], base: string[]): boolean {
  return base.length <= target.length && base.every((part, i) => target[i] === part);
}
