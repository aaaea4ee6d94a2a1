import type { Mm2RecordBytes } from './mm2-record';
import { StructReader, writeStruct } from './struct-codec';

export const HEARTBEAT_VERSION = 0;

/** Record of the `heartbeats` topic: flow source->target was alive at `timestamp` (epoch ms). */
export interface Heartbeat {
  readonly sourceClusterAlias: string;
  readonly targetClusterAlias: string;
  readonly timestamp: bigint;
}

export function encodeHeartbeat(heartbeat: Heartbeat): Mm2RecordBytes {
  return {
    key: writeStruct([
      { type: 'string', value: heartbeat.sourceClusterAlias },
      { type: 'string', value: heartbeat.targetClusterAlias },
    ]),
    value: writeStruct([
      { type: 'int16', value: HEARTBEAT_VERSION },
      { type: 'int64', value: heartbeat.timestamp },
    ]),
  };
}

/** The version field is read but not checked: MM2 parses every version with the version-0 layout. */
export function decodeHeartbeat(key: Uint8Array, value: Uint8Array): Heartbeat {
  const valueReader = new StructReader(value, 'Heartbeat value');
  valueReader.int16();
  const timestamp = valueReader.int64();
  const keyReader = new StructReader(key, 'Heartbeat key');
  const sourceClusterAlias = keyReader.string();
  const targetClusterAlias = keyReader.string();
  return { sourceClusterAlias, targetClusterAlias, timestamp };
}
