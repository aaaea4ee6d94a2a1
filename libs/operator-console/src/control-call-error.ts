/**
 * Why a control call failed, in the terms an operator acts on. Each code has the exit code
 * mirrorctl ends with, so scripts can tell "fix the request" from "fix the connection" from
 * "fix the credential".
 */
export const CONTROL_CALL_FAILURES = {
  /** The coordinator answered and refused or failed the request (bad config, unknown flow, ...). */
  REJECTED: 1,
  /** No coordinator replica answered (wrong address, not running, TLS handshake failed). */
  UNREACHABLE: 3,
  /** The credential was missing or unknown, or lacks the role the call needs. */
  CREDENTIAL: 4,
} as const;
export type ControlCallFailure = keyof typeof CONTROL_CALL_FAILURES;

export class ControlCallError extends Error {
  readonly code: ControlCallFailure;
  /** The gRPC status name of the last answer (e.g. NOT_FOUND), or UNAVAILABLE when nobody answered. */
  readonly status: string;
  /** Every coordinator address tried, in order. */
  readonly tried: readonly string[];

  constructor(code: ControlCallFailure, message: string, details: { status: string; tried: readonly string[]; cause?: unknown }) {
    super(message, { cause: details.cause });
    this.name = 'ControlCallError';
    this.code = code;
    this.status = details.status;
    this.tried = details.tried;
  }

  get exitCode(): number {
    return CONTROL_CALL_FAILURES[this.code];
  }
}

export function isControlCallError(err: unknown): err is ControlCallError {
  return err instanceof Error && typeof (err as ControlCallError).code === 'string' && (err as ControlCallError).code in CONTROL_CALL_FAILURES;
}
