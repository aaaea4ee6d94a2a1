/**
 * Just enough of the Kafka wire protocol to ask a broker for its ApiVersions. Used as a readiness
 * and liveness probe without any client library. ApiVersions is answered before authentication,
 * so it also works on the SASL listener.
 */
import { Socket } from 'node:net';

export const API_VERSIONS_KEY = 18;

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResult {
  correlationId: number;
  errorCode: number;
  apiKeys: ApiVersionRange[];
}

/** ApiVersions v0 request (request header v1), including the 4-byte size prefix. */
export function encodeApiVersionsRequest(correlationId: number, clientId = 'mirrormaker-probe'): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  let o = body.writeInt16BE(API_VERSIONS_KEY, 0);
  o = body.writeInt16BE(0, o);
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(client.length, o);
  client.copy(body, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Decodes an ApiVersions v0 response body (without the size prefix). */
export function decodeApiVersionsResponse(payload: Buffer): ApiVersionsResult {
  if (payload.length < 10) throw new Error(`ApiVersions response too short (${payload.length} bytes)`);
  const correlationId = payload.readInt32BE(0);
  const errorCode = payload.readInt16BE(4);
  const count = payload.readInt32BE(6);
  const apiKeys: ApiVersionRange[] = [];
  if (count < 0) return { correlationId, errorCode, apiKeys };
  if (payload.length < 10 + count * 6) throw new Error(`ApiVersions response truncated: ${count} entries announced`);
  for (let i = 0; i < count; i++) {
    const o = 10 + i * 6;
    apiKeys.push({ apiKey: payload.readInt16BE(o), minVersion: payload.readInt16BE(o + 2), maxVersion: payload.readInt16BE(o + 4) });
  }
  return { correlationId, errorCode, apiKeys };
}

/** Connects to host:port, sends ApiVersions v0 and resolves with the decoded answer. */
export async function probeApiVersions(host: string, port: number, timeoutMs = 2000): Promise<ApiVersionsResult> {
  const correlationId = Math.floor(Math.random() * 0x7fffffff);
  const payload = await exchange(host, port, encodeApiVersionsRequest(correlationId), timeoutMs, 'ApiVersions');
  const result = decodeApiVersionsResponse(payload);
  if (result.correlationId !== correlationId) throw new Error(`unexpected correlation id ${result.correlationId}`);
  return result;
}

/**
 * Sends one size-prefixed request on a new PLAINTEXT connection and resolves with the response
 * payload (without its size prefix).
 */
export function exchange(host: string, port: number, request: Buffer, timeoutMs: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, payload?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(payload!);
    };
    const timer = setTimeout(() => finish(new Error(`no ${what} answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => finish(new Error(`cannot reach ${host}:${port}: ${err.message}`)));
    socket.once('close', () => finish(new Error(`${host}:${port} closed the connection before answering ${what}`)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const size = received.readInt32BE(0);
      if (received.length < 4 + size) return;
      finish(undefined, received.subarray(4, 4 + size));
    });
    socket.connect(port, host, () => socket.write(request));
  });
}

/** True when host:port answers ApiVersions without error within the timeout. */
export async function brokerAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  try {
    const result = await probeApiVersions(host, port, timeoutMs);
    return result.errorCode === 0 && result.apiKeys.length > 0;
  } catch {
    return false;
  }
}
