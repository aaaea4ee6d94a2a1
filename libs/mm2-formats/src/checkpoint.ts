import type { Mm2RecordBytes } from './mm2-record';
import { StructReader, writeStruct } from './struct-codec';

export const CHECKPOINT_VERSION = 0;

/**
 * Record of `<source>.checkpoints.internal` on the target: group `group` committed `upstreamOffset`
 * on the source, which corresponds to `downstreamOffset` on target topic `topic` (the remote name,
 * e.g. `A.orders`). The one model of a checkpoint: codec, store and emission rules all use it.
 */
export interface Checkpoint {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: bigint;
  readonly downstreamOffset: bigint;
  /** Metadata of the source commit; MM2 writes "" when there was none. */
  readonly metadata: string;
}

export function encodeCheckpoint(checkpoint: Checkpoint): Mm2RecordBytes {
  return {
    key: writeStruct([
      { type: 'string', value: checkpoint.group },
      { type: 'string', value: checkpoint.topic },
      { type: 'int32', value: checkpoint.partition },
    ]),
    value: writeStruct([
      { type: 'int16', value: CHECKPOINT_VERSION },
      { type: 'int64', value: checkpoint.upstreamOffset },
      { type: 'int64', value: checkpoint.downstreamOffset },
      { type: 'string', value: checkpoint.metadata },
    ]),
  };
}

/** The version field is read but not checked: MM2 parses every version with the version-0 layout. */
export function decodeCheckpoint(key: Uint8Array, value: Uint8Array): Checkpoint {
  const valueReader = new StructReader(value, 'Checkpoint value');
  valueReader.int16();
  const upstreamOffset = valueReader.int64();
  const downstreamOffset = valueReader.int64();
  const metadata = valueReader.string();
  const keyReader = new StructReader(key, 'Checkpoint key');
  const group = keyReader.string();
  const topic = keyReader.string();
  const partition = keyReader.int32();
  return { group, topic, partition, upstreamOffset, downstreamOffset, metadata };
}
