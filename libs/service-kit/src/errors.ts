export const SERVICE_ERROR_CODES = ['BAD_FLAG', 'CONFIG_UNREADABLE', 'PORT_IN_USE', 'SHUTDOWN_TIMEOUT', 'SECURITY_SETUP'] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** An error that ends a service at start-up; its message is the one line shown to the operator. */
export class ServiceError extends Error {
  readonly code: ServiceErrorCode;

  constructor(code: ServiceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceError';
    this.code = code;
  }
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && SERVICE_ERROR_CODES.includes((err as ServiceError).code);
}
