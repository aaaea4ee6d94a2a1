import { formatProblem, hasErrors, loadMirrorConfig, type MirrorConfig } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ServiceError } from './errors';
import { providerFileReader } from './provider-file-reader';
import type { ServiceFlags } from './service-flags';

/**
 * Reads mm2.properties text into the config model. Warnings are logged; errors end the start-up
 * with one line naming the first error and how many there are. Provider references read only files
 * the flags allow (see providerFileReader).
 */
export function loadServiceConfig(
  text: string,
  flags: Pick<ServiceFlags, 'configPath' | 'configProviderDirs'>,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  /** How errors and warnings name the text. @default the --config path */
  where = flags.configPath ?? 'the config',
): MirrorConfig {
  const { config, problems } = loadMirrorConfig(text, { env, readFile: providerFileReader(flags) });
  if (hasErrors(problems)) {
    const errors = problems.filter((p) => p.severity === 'error');
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : '';
    throw new ServiceError('CONFIG_UNREADABLE', `${where}: ${formatProblem(errors[0]!)}${more}`);
  }
  for (const problem of problems) logger.warn({ config: where }, formatProblem(problem));
  return config;
}
