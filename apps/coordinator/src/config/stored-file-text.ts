import { resolve } from 'node:path';
import { referInlineSecretsTo } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ConfigRejected } from './config-rejected';

/**
 * The text to store for the `--config` file. Secrets written in it in clear text are accepted for
 * running, but the stored revision refers to them as `${file:<this file>:<key>}` instead of holding
 * them, and the operator is told to move them to a secrets file. Throws ConfigRejected when a secret
 * cannot be referred to that way.
 */
export function storedFileText(text: string, path: string, logger: Logger): string {
  const file = resolve(path);
  const referred = referInlineSecretsTo(text, file);
  if (referred.problems.length > 0) throw new ConfigRejected(referred.problems);
  if (referred.moved.length > 0) {
    logger.warn(
      { file, keys: referred.moved },
      `${file} holds secrets in clear text (${referred.moved.join(', ')}); the config topic stores them as \${file:${file}:<key>} ` +
        'references, so this file must stay readable by the coordinator. Move them to a secrets file or environment variables ' +
        'and refer to them with ${file:...}/${env:...}.',
    );
  }
  return referred.text;
}
