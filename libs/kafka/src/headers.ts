/**
 * Record headers as Kafka stores them: an ordered list in which a key may repeat and a value may
 * be null. Mirroring copies this list exactly (order, duplicates, nulls), which a plain object
 * cannot represent: see record-codec-patch.ts for how kafkajs is made to keep it.
 */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export type OrderedHeaders = ReadonlyArray<RecordHeader>;

/** Convenience for tests and callers: builds headers from [key, value] pairs, strings as UTF-8. */
export function orderedHeaders(pairs: ReadonlyArray<readonly [string, string | Buffer | null]>): OrderedHeaders {
  return pairs.map(([key, value]) => ({ key, value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value }));
}

/**
 * The ordered list that kafkajs's object form stands for, for records decoded without the patch
 * (legacy message sets have no headers; kafkajs objects lose the original order of interleaved
 * keys, which cannot be recovered here).
 */
export function headersFromObject(object: Record<string, Buffer | string | Array<Buffer | string> | null | undefined> | undefined): OrderedHeaders {
  if (!object) return [];
  const out: RecordHeader[] = [];
  for (const key of Object.keys(object)) {
    const raw = object[key];
    const values = Array.isArray(raw) ? raw : [raw];
    for (const v of values) {
      out.push({ key, value: v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v });
    }
  }
  return out;
}
