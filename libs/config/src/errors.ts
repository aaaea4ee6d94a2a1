import type { Problem } from './problems';
import { formatProblems } from './problems';

export const CONFIG_ERROR_CODES = ['CONFIG_INVALID', 'CONFIG_JSON_INVALID'] as const;

export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

const BRAND = Symbol.for('mirrormaker.MirrorConfigError');

/**
 * Thrown by the `...OrThrow` loaders when a configuration has at least one error. The message lists
 * every problem (warnings included), one per line, so an operator can fix them all in one pass.
 */
export class MirrorConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly retriable = false;
  readonly problems: readonly Problem[];
  readonly [BRAND] = true;

  constructor(code: ConfigErrorCode, problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    super(`${errors} configuration error(s):\n${formatProblems(problems)}`);
    this.name = 'MirrorConfigError';
    this.code = code;
    this.problems = problems;
  }
}

/** Brand check that also works when several copies of this module are loaded (jest, bundles). */
export function isMirrorConfigError(error: unknown, code?: ConfigErrorCode): error is MirrorConfigError {
  if (typeof error !== 'object' || error === null || !(BRAND in error)) {
    return false;
  }
  return code === undefined || (error as MirrorConfigError).code === code;
}
