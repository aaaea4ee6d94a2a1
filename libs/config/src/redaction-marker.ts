/** What secrets are replaced with in logs and in the control API's answers. */
export const REDACTED = '[redacted]';
