/**
 * Splits a consumed batch into produce requests of bounded size, keeping the order.
 *
 * One fetch may return up to a megabyte per partition, gathered from several source batches; sent
 * as one record batch it could exceed the target's `message.max.bytes` even though every record
 * fits. Chunks of at most `maxBytes` (counted with each record's encoded size) avoid that; a record
 * larger than `maxBytes` travels alone, so only a record that is too large by itself is rejected.
 */
export function chunkBySize<T>(items: readonly T[], sizeOf: (item: T) => number, maxBytes: number): T[][] {
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Math.max(0, sizeOf(item));
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
