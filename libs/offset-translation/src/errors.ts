/** Every failure this library can report. Callers branch on `code`, never on the class. */
export const OFFSET_TRANSLATION_ERROR_CODES = [
  'INVALID_MAX_OFFSET_LAG',
  'INVALID_MAX_IN_FLIGHT',
  'NO_SEND_IN_FLIGHT',
  'INVALID_TOPIC_PARTITION',
  'SYNC_AFTER_OFFSET',
  'INVALID_SEGMENT_RECORD',
] as const;
export type OffsetTranslationErrorCode = (typeof OFFSET_TRANSLATION_ERROR_CODES)[number];

/** A programming or input error detected by the offset-translation core. */
export class OffsetTranslationError extends Error {
  readonly code: OffsetTranslationErrorCode;

  constructor(code: OffsetTranslationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OffsetTranslationError';
    this.code = code;
  }
}

export function isOffsetTranslationError(err: unknown): err is OffsetTranslationError {
  return err instanceof Error && OFFSET_TRANSLATION_ERROR_CODES.includes((err as OffsetTranslationError).code);
}
