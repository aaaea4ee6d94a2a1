/**
 * Exact record headers through kafkajs 2.2.4, and a faster Produce request.
 *
 * Kafka headers are an ordered list whose keys may repeat (a=1, b=2, a=3) and whose values may be
 * null. kafkajs exposes them as an object: on the way out it encodes `Object.keys(headers)`, so
 * interleaved duplicates cannot be expressed, integer-like keys ("10", "2") are reordered by the
 * JS engine, and a null value crashes its size computation; on the way in its record decoder
 * folds the list into such an object, losing the order for good.
 *
 * The fix replaces kafkajs modules with versions that keep the list:
 *
 * - Encoding: the Produce v3 request (`protocol/requests/produce/v3/request.js`, which the v4–v7
 *   requests wrap) is replaced by produce-request-encoder.ts, which writes each request into one
 *   Buffer (kafkajs's encoding of many small records was one of the mirror's largest CPU costs).
 *   A message whose `headers` is a carrier made by `headersCarrier(list)` (an object whose only
 *   property is the symbol ORDERED_HEADERS) is encoded from that list, in order; any other message
 *   is encoded byte for byte as kafkajs does. (kafkajs's single-record encoder,
 *   `protocol/recordBatch/record/v0/index.js`, is then unused: only that request called it.)
 * - Decoding: the single-record decoder (`.../record/v0/decoder.js`) gives identical output to
 *   kafkajs's (the `headers` object included), plus the ordered list under ORDERED_HEADERS and the
 *   encoded record size under RECORD_SIZE.
 *
 * kafkajs's code reaches these modules only through `require`: the Produce v3 request when
 * `produce/v4..v7/request.js` load (they wrap it, `Object.assign(requestV3(...), { apiVersion })`),
 * the record decoder when `protocol/recordBatch/v0/decoder.js` loads, all lazily on the first
 * produce/fetch. Replacing `module.exports` in the require cache before then makes every later
 * load use the replacements; the install refuses (INCOMPATIBLE_CLIENT) when one of those modules
 * was loaded earlier, or when kafkajs is not exactly 2.2.4, whose record format code these
 * replacements copy.
 *
 * Under jest, `require.cache` always shows the main module registry, so modules loaded inside
 * `jest.isolateModules` do not see the replacements; `jest.resetModules` works.
 */
import kafkajsPackage from 'kafkajs/package.json';
import Encoder from 'kafkajs/src/protocol/encoder';
import type Decoder from 'kafkajs/src/protocol/decoder';
import Long from 'kafkajs/src/utils/long';
import TimestampTypes from 'kafkajs/src/protocol/timestampTypes';
import { KafkaError } from './errors';
import { headersFromObject, type OrderedHeaders, type RecordHeader } from './headers';
import type { ConsumedRecord } from './partition-consumer';
import { produceRequestV3, type ProduceRequestArgs } from './produce-request-encoder';

export const SUPPORTED_KAFKAJS_VERSION = '2.2.4';

/** Symbol keys shared across module copies (jest loads this file once per test file). */
export const ORDERED_HEADERS = Symbol.for('mirrormaker.kafka.orderedHeaders');
export const RECORD_SIZE = Symbol.for('mirrormaker.kafka.recordSize');
const PATCHED = Symbol.for('mirrormaker.kafka.recordCodecPatched');

const RECORD_DECODER_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0/decoder';
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';
/** The kafkajs modules that must not load before the install (the first is also replaced). */
const DEPENDENT_MODULES = [PRODUCE_REQUEST_MODULE, 'kafkajs/src/protocol/recordBatch/v0/decoder'];

/** A kafkajs message `headers` value that carries the exact list. */
export interface HeadersCarrier {
  readonly [ORDERED_HEADERS]: OrderedHeaders;
}

export function headersCarrier(headers: OrderedHeaders): HeadersCarrier {
  return { [ORDERED_HEADERS]: headers };
}

interface BatchContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

/** The record shape kafkajs's decoder returns, plus what the replacement adds. */
export interface DecodedKafkaJsRecord {
  magicByte?: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
  isControlRecord: boolean;
  batchContext: BatchContext;
  [ORDERED_HEADERS]: OrderedHeaders;
  [RECORD_SIZE]: number;
}

function readHeader(decoder: Decoder): RecordHeader {
  const key = decoder.readVarIntString();
  return { key: key ?? '', value: decoder.readVarIntBytes() };
}

/**
 * Same output as kafkajs 2.2.4's `recordBatch/record/v0/decoder.js`, plus the ordered headers and
 * the record's encoded size (its bytes inside the uncompressed batch, length prefix included).
 */
export function decodeRecord(decoder: Decoder, batchContext: BatchContext = {}): DecodedKafkaJsRecord {
  const { firstOffset, firstTimestamp, magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  const attributes = decoder.readInt8();
  const timestampDelta = decoder.readVarLong();
  const timestamp =
    timestampType === TimestampTypes.LOG_APPEND_TIME && maxTimestamp
      ? maxTimestamp
      : Long.fromValue(firstTimestamp).add(timestampDelta).toString();
  const offsetDelta = decoder.readVarInt();
  const offset = Long.fromValue(firstOffset).add(offsetDelta).toString();
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const ordered = decoder.readVarIntArray(readHeader);

  const headers: Record<string, Buffer | null | Array<Buffer | null>> = {};
  for (const { key: k, value: v } of ordered) {
    const current = headers[k];
    const next = current === undefined ? v : Array.isArray(current) ? [...current, v] : [current, v];
    Object.defineProperty(headers, k, { value: next, enumerable: true, writable: true, configurable: true });
  }

  const bodySize = decoder.buffer.length;
  return {
    magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
    [ORDERED_HEADERS]: ordered,
    [RECORD_SIZE]: Encoder.sizeOfVarInt(bodySize) + bodySize,
  };
}
(decodeRecord as { [PATCHED]?: true })[PATCHED] = true;

/** What replaces kafkajs's Produce v3 request module, marked for every copy of this module. */
const patchedProduceRequest = Object.assign((args: ProduceRequestArgs) => produceRequestV3(args), { [PATCHED]: true as const });

function isPatched(exports: unknown): boolean {
  return (exports as { [PATCHED]?: true } | undefined)?.[PATCHED] === true;
}

function cachedModule(request: string): NodeJS.Module | undefined {
  return require.cache[require.resolve(request)];
}

/**
 * Installs the replacements (once; later calls are no-ops). Throws INCOMPATIBLE_CLIENT when it
 * cannot guarantee that kafkajs will use them.
 */
export function installRecordCodecPatch(): void {
  if (kafkajsPackage.version !== SUPPORTED_KAFKAJS_VERSION) {
    throw new KafkaError(
      'INCOMPATIBLE_CLIENT',
      `@mirrormaker/kafka needs kafkajs ${SUPPORTED_KAFKAJS_VERSION} exactly (it replaces kafkajs's record codec to keep header order) ` +
        `but found ${kafkajsPackage.version}. Fix: pin kafkajs to ${SUPPORTED_KAFKAJS_VERSION}, or port record-codec-patch.ts to the new version.`,
    );
  }
  const decoderModule = loadModule(RECORD_DECODER_MODULE);
  const decoderPatched = isPatched(decoderModule.exports);
  const produceRequestPatched = isPatched(cachedModule(PRODUCE_REQUEST_MODULE)?.exports);
  if (decoderPatched && produceRequestPatched) return;

  const early = DEPENDENT_MODULES.filter((m) => cachedModule(m) !== undefined && !(m === PRODUCE_REQUEST_MODULE && produceRequestPatched));
  if (early.length > 0) {
    throw new KafkaError(
      'INCOMPATIBLE_CLIENT',
      `kafkajs loaded ${early.join(', ')} before @mirrormaker/kafka could install its record codec, so record headers ` +
        `would lose their order. Fix: use kafkajs only through @mirrormaker/kafka (no other module may produce or fetch with kafkajs first).`,
    );
  }
  if (!decoderPatched) decoderModule.exports = decodeRecord;
  // Loading kafkajs's own module creates the cache entry; its export is never used.
  if (!produceRequestPatched) loadModule(PRODUCE_REQUEST_MODULE).exports = patchedProduceRequest;
}

/** Throws unless installRecordCodecPatch() succeeded in this module registry. */
export function assertRecordCodecPatched(): void {
  const patched = [RECORD_DECODER_MODULE, PRODUCE_REQUEST_MODULE].every((m) => isPatched(cachedModule(m)?.exports));
  if (!patched) {
    throw new KafkaError('INCOMPATIBLE_CLIENT', 'the kafkajs record codec patch is not installed: create clients with createKafkaClient()');
  }
}

function loadModule(request: string): NodeJS.Module {
  const path = require.resolve(request);
  if (!require.cache[path]) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the kafkajs module whose export is replaced
    require(path);
  }
  const mod = require.cache[path];
  if (!mod) throw new KafkaError('INCOMPATIBLE_CLIENT', `cannot find kafkajs module ${request} in the module cache`);
  return mod;
}

/** The ordered headers of a record kafkajs decoded (falls back to its object form). */
/** Our record type from a record the (replaced) kafkajs decoder produced. */
export function consumedRecordOf(m: DecodedKafkaJsRecord): ConsumedRecord {
  return {
    offset: BigInt(m.offset),
    key: m.key,
    value: m.value,
    headers: orderedHeadersOf(m),
    timestamp: BigInt(m.timestamp),
    sizeBytes: recordSizeOf(m),
  };
}

export function orderedHeadersOf(record: { headers?: unknown; [ORDERED_HEADERS]?: OrderedHeaders }): OrderedHeaders {
  return record[ORDERED_HEADERS] ?? headersFromObject(record.headers as Parameters<typeof headersFromObject>[0]);
}

/** Encoded size of a record kafkajs decoded, or an estimate from its parts. */
export function recordSizeOf(record: {
  key?: Buffer | null;
  value?: Buffer | null;
  [RECORD_SIZE]?: number;
  [ORDERED_HEADERS]?: OrderedHeaders;
}): number {
  const known = record[RECORD_SIZE];
  if (known !== undefined) return known;
  const headers = record[ORDERED_HEADERS] ?? [];
  return (
    (record.key?.length ?? 0) +
    (record.value?.length ?? 0) +
    headers.reduce((sum, h) => sum + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0)
  );
}
