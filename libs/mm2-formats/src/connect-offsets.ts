import { Mm2FormatError } from './errors';
import { int64Of, type JsonValue, parseJson, stringOf, writeJsonString } from './json-text';

// Records of the Connect offsets topic (`mm2-offsets.<source>.internal`) for MM2's three connectors,
// in the JSON form Connect's JsonConverter writes with schemas disabled:
//   key   = [<connector name>, {<partition fields>}]
//   value = {"offset": <INT64>}, or a null value once the position was deleted.
// Connect finds a stored position by the exact key bytes, so keys are written exactly as Java MM2
// writes them: no whitespace, and fields in the iteration order of the HashMap MM2 builds them in.
// Reading is lenient about layout and field order.

export const MIRROR_SOURCE_CONNECTOR = 'MirrorSourceConnector';
export const MIRROR_CHECKPOINT_CONNECTOR = 'MirrorCheckpointConnector';
export const MIRROR_HEARTBEAT_CONNECTOR = 'MirrorHeartbeatConnector';

/** A source partition whose replication position MirrorSourceConnector tracks. */
export interface MirrorSourcePartition {
  /** Alias of the source cluster. */
  readonly cluster: string;
  /** Topic name on the source cluster. */
  readonly topic: string;
  readonly partition: number;
}

export interface MirrorCheckpointPartition {
  readonly group: string;
  /** Target-side (remote) topic name. */
  readonly topic: string;
  readonly partition: number;
}

export interface MirrorHeartbeatPartition {
  readonly sourceClusterAlias: string;
  readonly targetClusterAlias: string;
}

export interface ConnectOffset<P> {
  readonly partition: P;
  /**
   * For MirrorSourceConnector, the last upstream offset already replicated (resume at offset + 1);
   * always 0 for the other two connectors. Null when no position is stored: a tombstone, or an
   * explicit null, which MM2 also reads as "no position".
   */
  readonly offset: bigint | null;
}

export function encodeSourceOffsetKey(
  partition: MirrorSourcePartition,
  connectorName: string = MIRROR_SOURCE_CONNECTOR,
): Buffer {
  return encodeKey(
    connectorName,
    `{"cluster":${writeJsonString(partition.cluster)},"partition":${int32Text(partition.partition)},"topic":${writeJsonString(partition.topic)}}`,
  );
}

export function encodeCheckpointOffsetKey(
  partition: MirrorCheckpointPartition,
  connectorName: string = MIRROR_CHECKPOINT_CONNECTOR,
): Buffer {
  return encodeKey(
    connectorName,
    `{"partition":${int32Text(partition.partition)},"topic":${writeJsonString(partition.topic)},"group":${writeJsonString(partition.group)}}`,
  );
}

export function encodeHeartbeatOffsetKey(
  partition: MirrorHeartbeatPartition,
  connectorName: string = MIRROR_HEARTBEAT_CONNECTOR,
): Buffer {
  return encodeKey(
    connectorName,
    `{"sourceClusterAlias":${writeJsonString(partition.sourceClusterAlias)},"targetClusterAlias":${writeJsonString(partition.targetClusterAlias)}}`,
  );
}

/** Offset value of any of the three connectors (the checkpoint and heartbeat connectors always store 0). */
export function encodeSourceOffsetValue(offset: bigint): Buffer {
  if (BigInt.asIntN(64, offset) !== offset) {
    throw new Mm2FormatError('OUT_OF_RANGE', `${offset} is not an INT64`);
  }
  return Buffer.from(`{"offset":${offset.toString()}}`, 'utf8');
}

/** The partition of a MirrorSourceConnector key, or null for any other record of the offsets topic. */
export function decodeSourceOffsetKey(
  key: Uint8Array | null,
  connectorName: string = MIRROR_SOURCE_CONNECTOR,
): MirrorSourcePartition | null {
  const fields = partitionFields(key, connectorName, ['cluster', 'topic', 'partition']);
  if (fields === null) return null;
  const cluster = stringOf(fields.get('cluster'));
  const topic = stringOf(fields.get('topic'));
  const partition = int32Of(fields.get('partition'));
  return cluster === null || topic === null || partition === null ? null : { cluster, topic, partition };
}

export function decodeCheckpointOffsetKey(
  key: Uint8Array | null,
  connectorName: string = MIRROR_CHECKPOINT_CONNECTOR,
): MirrorCheckpointPartition | null {
  const fields = partitionFields(key, connectorName, ['group', 'topic', 'partition']);
  if (fields === null) return null;
  const group = stringOf(fields.get('group'));
  const topic = stringOf(fields.get('topic'));
  const partition = int32Of(fields.get('partition'));
  return group === null || topic === null || partition === null ? null : { group, topic, partition };
}

export function decodeHeartbeatOffsetKey(
  key: Uint8Array | null,
  connectorName: string = MIRROR_HEARTBEAT_CONNECTOR,
): MirrorHeartbeatPartition | null {
  const fields = partitionFields(key, connectorName, ['sourceClusterAlias', 'targetClusterAlias']);
  if (fields === null) return null;
  const sourceClusterAlias = stringOf(fields.get('sourceClusterAlias'));
  const targetClusterAlias = stringOf(fields.get('targetClusterAlias'));
  return sourceClusterAlias === null || targetClusterAlias === null ? null : { sourceClusterAlias, targetClusterAlias };
}

/**
 * A MirrorSourceConnector position, or null when the record belongs to something else or its value
 * cannot be read (Connect skips such records too).
 */
export function decodeSourceOffset(
  key: Uint8Array | null,
  value: Uint8Array | null,
  connectorName: string = MIRROR_SOURCE_CONNECTOR,
): ConnectOffset<MirrorSourcePartition> | null {
  return withOffset(decodeSourceOffsetKey(key, connectorName), value);
}

export function decodeCheckpointOffset(
  key: Uint8Array | null,
  value: Uint8Array | null,
  connectorName: string = MIRROR_CHECKPOINT_CONNECTOR,
): ConnectOffset<MirrorCheckpointPartition> | null {
  return withOffset(decodeCheckpointOffsetKey(key, connectorName), value);
}

export function decodeHeartbeatOffset(
  key: Uint8Array | null,
  value: Uint8Array | null,
  connectorName: string = MIRROR_HEARTBEAT_CONNECTOR,
): ConnectOffset<MirrorHeartbeatPartition> | null {
  return withOffset(decodeHeartbeatOffsetKey(key, connectorName), value);
}

/**
 * True when the key has the shape of any Connect source connector's offset key,
 * `[<connector name>, {<partition fields>}]`, whichever connector wrote it.
 */
export function isConnectOffsetKey(key: Uint8Array | null): boolean {
  if (key === null) return false;
  const parsed = parseJson(key);
  return Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && parsed[1] instanceof Map;
}

function encodeKey(connectorName: string, partitionJson: string): Buffer {
  return Buffer.from(`[${writeJsonString(connectorName)},${partitionJson}]`, 'utf8');
}

function int32Text(partition: number): string {
  if (!Number.isInteger(partition) || partition < -0x80000000 || partition > 0x7fffffff) {
    throw new Mm2FormatError('OUT_OF_RANGE', `${partition} is not an INT32 partition number`);
  }
  return String(partition);
}

function int32Of(value: JsonValue | undefined): number | null {
  const parsed = int64Of(value);
  return parsed === null || BigInt.asIntN(32, parsed) !== parsed ? null : Number(parsed);
}

/**
 * The partition object of a key for `connectorName` with exactly the given fields. A key with extra
 * fields can never equal one MM2 builds, so it is not one of MM2's positions.
 */
function partitionFields(
  key: Uint8Array | null,
  connectorName: string,
  names: readonly string[],
): Map<string, JsonValue> | null {
  if (key === null) return null;
  const parsed = parseJson(key);
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== connectorName) return null;
  const fields = parsed[1];
  if (!(fields instanceof Map) || fields.size !== names.length || !names.every((name) => fields.has(name))) {
    return null;
  }
  return fields;
}

function withOffset<P>(partition: P | null, value: Uint8Array | null): ConnectOffset<P> | null {
  if (partition === null) return null;
  if (value === null) return { partition, offset: null };
  const parsed = parseJson(value);
  if (parsed === null) return { partition, offset: null };
  if (!(parsed instanceof Map)) return null;
  const offset = parsed.get('offset');
  if (offset === undefined || offset === null) return { partition, offset: null };
  const parsedOffset = int64Of(offset);
  return parsedOffset === null ? null : { partition, offset: parsedOffset };
}
