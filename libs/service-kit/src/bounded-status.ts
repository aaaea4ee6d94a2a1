import * as grpc from '@grpc/grpc-js';

/**
 * Most UTF-8 bytes of a status message a server sends. The message travels in the `grpc-message`
 * trailer, percent-encoded (up to three characters per byte), and clients refuse header blocks past
 * a few kilobytes: a handler that echoed a multi-megabyte request field (an instance id, a flow
 * name) in its error left the caller without any answer until its deadline.
 */
export const MAX_STATUS_DETAILS_BYTES = 2048;

/** `details` cut to MAX_STATUS_DETAILS_BYTES, saying how much was cut; shorter text is returned as is. */
export function boundStatusDetails(details: string): string {
  const bytes = Buffer.from(details, 'utf8');
  if (bytes.length <= MAX_STATUS_DETAILS_BYTES) return details;
  const note = ` … (${bytes.length} bytes, cut)`;
  // Decoding a cut buffer may end in a partial character; drop the replacement character it gives.
  const head = bytes.subarray(0, MAX_STATUS_DETAILS_BYTES - Buffer.byteLength(note)).toString('utf8').replace(/\uFFFD$/, '');
  return head + note;
}

/** Server interceptor bounding the status message of every call (ours, health and reflection). */
export function boundedStatusInterceptor(): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      sendStatus(status, next) {
        next(status.details === undefined ? status : { ...status, details: boundStatusDetails(status.details) });
      },
    });
}
