import { decodeSourceOffset, decodeSourceOffsetKey, isConnectOffsetKey, type MirrorSourcePartition } from '@mirrormaker/mm2-formats';

/**
 * The MirrorSourceConnector positions found in a Connect offsets topic, as a table: the last value
 * read for each source partition wins, and a null value (tombstone, or `{"offset":null}`) removes
 * it. Records of other connectors are ignored, as Connect ignores them; records that are not Connect
 * offsets at all, or a MirrorSourceConnector key with a value that is no offset, are ignored too but
 * reported as `undecodable`, so the reader can count them. Feed records in the order they were read
 * from each partition of the topic.
 */
export class StoredPositions {
  private readonly positions = new Map<string, bigint>();

  /**
   * Applies one record of the offsets topic; returns the partition it was about, undefined for
   * another connector's record, or `undecodable`.
   */
  read(key: Uint8Array | null, value: Uint8Array | null): MirrorSourcePartition | undefined | 'undecodable' {
    const decoded = decodeSourceOffset(key, value);
    if (decoded === null) return decodeSourceOffsetKey(key) === null && isConnectOffsetKey(key) ? undefined : 'undecodable';
    const id = idOf(decoded.partition);
    if (decoded.offset === null) this.positions.delete(id);
    else this.positions.set(id, decoded.offset);
    return decoded.partition;
  }

  /** Last upstream offset already copied, if one is stored. */
  get(partition: MirrorSourcePartition): bigint | undefined {
    return this.positions.get(idOf(partition));
  }

  get size(): number {
    return this.positions.size;
  }
}

function idOf(p: MirrorSourcePartition): string {
  return `${p.cluster}\u0000${p.topic}\u0000${p.partition}`;
}
