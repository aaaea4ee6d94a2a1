export { MM2_FORMAT_ERROR_CODES, Mm2FormatError, isMm2FormatError } from './errors';
export type { Mm2FormatErrorCode } from './errors';

export type { Mm2RecordBytes } from './mm2-record';
export { decodeOffsetSync, encodeOffsetSync } from './offset-sync';
export type { OffsetSync } from './offset-sync';
export { CHECKPOINT_VERSION, decodeCheckpoint, encodeCheckpoint } from './checkpoint';
export type { Checkpoint } from './checkpoint';
export { HEARTBEAT_VERSION, decodeHeartbeat, encodeHeartbeat } from './heartbeat';
export type { Heartbeat } from './heartbeat';

export {
  MIRROR_CHECKPOINT_CONNECTOR,
  MIRROR_HEARTBEAT_CONNECTOR,
  MIRROR_SOURCE_CONNECTOR,
  decodeCheckpointOffset,
  decodeCheckpointOffsetKey,
  decodeHeartbeatOffset,
  decodeHeartbeatOffsetKey,
  decodeSourceOffset,
  decodeSourceOffsetKey,
  encodeCheckpointOffsetKey,
  encodeHeartbeatOffsetKey,
  encodeSourceOffsetKey,
  encodeSourceOffsetValue,
  isConnectOffsetKey,
} from './connect-offsets';
export type {
  ConnectOffset,
  MirrorCheckpointPartition,
  MirrorHeartbeatPartition,
  MirrorSourcePartition,
} from './connect-offsets';
