/** Every failure this library can report. Callers branch on `code`, never on the class. */
export const LEASE_ERROR_CODES = ['INVALID_UNIT_ID', 'INVALID_INSTANCE', 'UNKNOWN_INSTANCE', 'INVALID_OPTIONS'] as const;
export type LeaseErrorCode = (typeof LEASE_ERROR_CODES)[number];

/** An input the lease table refuses. */
export class LeaseError extends Error {
  readonly code: LeaseErrorCode;

  constructor(code: LeaseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeaseError';
    this.code = code;
  }
}

export function isLeaseError(err: unknown): err is LeaseError {
  return err instanceof Error && LEASE_ERROR_CODES.includes((err as LeaseError).code);
}
