export const REPLICATION_POLICY_ERROR_CODES = [
  'INVALID_SEPARATOR',
  'UNKNOWN_POLICY_CLASS',
  'INVALID_PATTERN',
  'UNSUPPORTED_PATTERN',
  'HIDDEN_TARGET_CONFIG',
] as const;

export type ReplicationPolicyErrorCode = (typeof REPLICATION_POLICY_ERROR_CODES)[number];

const BRAND = Symbol.for('mirrormaker.ReplicationPolicyError');

/** Every error thrown by this lib. Misconfiguration only, so never worth retrying. */
export class ReplicationPolicyError extends Error {
  readonly code: ReplicationPolicyErrorCode;
  readonly retriable = false;
  readonly [BRAND] = true;

  constructor(code: ReplicationPolicyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReplicationPolicyError';
    this.code = code;
  }
}

/** Brand check that also works when several copies of this module are loaded (jest, bundles). */
export function isReplicationPolicyError(
  error: unknown,
  code?: ReplicationPolicyErrorCode,
): error is ReplicationPolicyError {
  if (typeof error !== 'object' || error === null || !(BRAND in error)) {
    return false;
  }
  return code === undefined || (error as ReplicationPolicyError).code === code;
}
