import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { ServiceError } from './errors';
import type { ServiceFlags } from './service-flags';

export const PROVIDER_DIR_FLAG = '--config-provider-dir';

/**
 * The `readFile` that `${file:…}` and `${dir:…}` references get. It reads only the `--config` file
 * itself and files under the allowed directories: those given with `--config-provider-dir`, else the
 * directory of `--config`, else none. Paths are compared as real paths, so neither `..` nor a
 * symlink leads out; a path outside is refused before anything is read, naming the way to allow it.
 * An allowed directory that does not exist ends the start-up as a bad flag.
 */
export function providerFileReader(flags: Pick<ServiceFlags, 'configPath' | 'configProviderDirs'>): (path: string) => string {
  const explicit = flags.configProviderDirs.length > 0;
  const given = explicit ? flags.configProviderDirs.map((d) => resolve(d)) : flags.configPath ? [dirname(resolve(flags.configPath))] : [];
  const dirs = given.map((dir) => {
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a directory');
      return realpathSync(dir);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ServiceError('BAD_FLAG', `${PROVIDER_DIR_FLAG} ${dir} cannot be used: ${why} (give an existing directory)`);
    }
  });
  const configFile = flags.configPath === undefined ? [] : [resolve(flags.configPath), safeRealpath(flags.configPath)];
  const isAllowed = (path: string, bases: readonly string[]) =>
    configFile.includes(path) || bases.some((base) => path === base || path.startsWith(base.endsWith(sep) ? base : base + sep));
  const allowedText = dirs.length === 0 ? 'none' : dirs.join(', ');

  return (path) => {
    const refuse = () =>
      Object.assign(new Error(`${path} is outside the directories config providers may read (${allowedText}${explicit ? '' : ', the default'})`), {
        hint: `move the file under an allowed directory, or allow its directory with ${PROVIDER_DIR_FLAG} <dir> (repeatable; MM_CONFIG_PROVIDER_DIR, comma-separated) when starting the service`,
      });
    const asWritten = resolve(path);
    if (!isAllowed(asWritten, [...given, ...dirs])) throw refuse();
    const real = realpathSync(asWritten);
    if (!isAllowed(real, dirs)) throw refuse();
    return readFileSync(real, 'utf8');
  };
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
