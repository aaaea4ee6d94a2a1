/** A command line mirrorctl cannot run: wrong command, flag or value. Exit code 2, like the services' bad flags. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  readonly exitCode = 2;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function isUsageError(err: unknown): err is UsageError {
  return (err as { code?: unknown } | undefined)?.code === 'USAGE';
}
