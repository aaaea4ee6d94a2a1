import type { Problem } from '@mirrormaker/config';

/** A config change refused by validation; carries every problem so the operator sees them all. */
export class ConfigRejected extends Error {
  readonly code = 'CONFIG_REJECTED';

  constructor(readonly problems: readonly Problem[]) {
    super(`config rejected with ${problems.length} problem(s)`);
    this.name = 'ConfigRejected';
  }
}

export function isConfigRejected(err: unknown): err is ConfigRejected {
  return err instanceof Error && (err as ConfigRejected).code === 'CONFIG_REJECTED';
}
