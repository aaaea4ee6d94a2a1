import type { Mm2RecordBytes } from './mm2-record';
import { StructReader, writeStruct } from './struct-codec';

/**
 * Record of the offset-syncs topic: upstream offset `upstreamOffset` of the source partition was
 * written to the target as `downstreamOffset`. `topic` is the source-cluster name, not the remote one.
 * The one model of an offset sync: codec, writer state and store all use it.
 */
export interface OffsetSync {
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: bigint;
  readonly downstreamOffset: bigint;
}

// Unlike checkpoints and heartbeats, the value has no version header.
export function encodeOffsetSync(sync: OffsetSync): Mm2RecordBytes {
  return {
    key: writeStruct([
      { type: 'string', value: sync.topic },
      { type: 'int32', value: sync.partition },
    ]),
    value: writeStruct([
      { type: 'int64', value: sync.upstreamOffset },
      { type: 'int64', value: sync.downstreamOffset },
    ]),
  };
}

export function decodeOffsetSync(key: Uint8Array, value: Uint8Array): OffsetSync {
  const keyReader = new StructReader(key, 'OffsetSync key');
  const topic = keyReader.string();
  const partition = keyReader.int32();
  const valueReader = new StructReader(value, 'OffsetSync value');
  const upstreamOffset = valueReader.int64();
  const downstreamOffset = valueReader.int64();
  return { topic, partition, upstreamOffset, downstreamOffset };
}
