export const MM2_FORMAT_ERROR_CODES = [
  'TRUNCATED',
  'NEGATIVE_LENGTH',
  'STRING_TOO_LONG',
  'OUT_OF_RANGE',
] as const;

export type Mm2FormatErrorCode = (typeof MM2_FORMAT_ERROR_CODES)[number];

const BRAND = Symbol.for('mirrormaker.Mm2FormatError');

/** A record that cannot be encoded or decoded. Retrying the same bytes never helps. */
export class Mm2FormatError extends Error {
  readonly code: Mm2FormatErrorCode;
  readonly retriable = false;
  readonly [BRAND] = true;

  constructor(code: Mm2FormatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'Mm2FormatError';
    this.code = code;
  }
}

/** Brand check that also works when several copies of this module are loaded (jest, bundles). */
export function isMm2FormatError(error: unknown, code?: Mm2FormatErrorCode): error is Mm2FormatError {
  if (typeof error !== 'object' || error === null || !(BRAND in error)) {
    return false;
  }
  return code === undefined || (error as Mm2FormatError).code === code;
}
