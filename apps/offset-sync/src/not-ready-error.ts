/** A translation asked for before the offset syncs were read to the end once (gRPC UNAVAILABLE). */
export class NotReadyError extends Error {
  readonly code = 'NOT_READY';
}
