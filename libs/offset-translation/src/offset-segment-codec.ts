import { OffsetTranslationError } from './errors';
import type { OffsetSegment } from './offset-segment';
import type { TopicPartition } from './topic-partition';

/**
 * Byte format of the offset-segments topic (ours; MM2 has no such topic). One record per source
 * partition and flush, listing the segments that changed since the previous one:
 *
 *   key:   int16 version (0) | int16 topic length | topic, UTF-8 | int32 partition
 *   value: int16 version (0) | int32 count | count × (int64 upstreamStart, int64 downstreamStart, int64 upstreamEnd)
 *
 * Big-endian, like Kafka's own formats, so the records can be read from any language.
 */
const VERSION = 0;
const SEGMENT_BYTES = 24;

export function encodeOffsetSegments(tp: TopicPartition, segments: readonly OffsetSegment[]): { key: Buffer; value: Buffer } {
  const topic = Buffer.from(tp.topic, 'utf8');
  const key = Buffer.alloc(2 + 2 + topic.length + 4);
  key.writeInt16BE(VERSION, 0);
  key.writeInt16BE(topic.length, 2);
  topic.copy(key, 4);
  key.writeInt32BE(tp.partition, 4 + topic.length);
  const value = Buffer.alloc(2 + 4 + SEGMENT_BYTES * segments.length);
  value.writeInt16BE(VERSION, 0);
  value.writeInt32BE(segments.length, 2);
  segments.forEach((s, i) => {
    const at = 6 + i * SEGMENT_BYTES;
    value.writeBigInt64BE(s.upstreamStart, at);
    value.writeBigInt64BE(s.downstreamStart, at + 8);
    value.writeBigInt64BE(s.upstreamEnd, at + 16);
  });
  return { key, value };
}

export function decodeOffsetSegments(key: Buffer, value: Buffer): OffsetSegment[] {
  const fail = (what: string) => new OffsetTranslationError('INVALID_SEGMENT_RECORD', `offset-segments record ${what}`);
  if (key.length < 8 || key.readInt16BE(0) !== VERSION) throw fail(`key has an unknown version or is too short (${key.length} bytes)`);
  const topicLength = key.readInt16BE(2);
  if (topicLength < 0 || key.length !== 8 + topicLength) throw fail(`key is ${key.length} bytes, expected ${8 + topicLength}`);
  const topic = key.toString('utf8', 4, 4 + topicLength);
  const partition = key.readInt32BE(4 + topicLength);
  if (value.length < 6 || value.readInt16BE(0) !== VERSION) throw fail(`value has an unknown version or is too short (${value.length} bytes)`);
  const count = value.readInt32BE(2);
  if (count < 0 || value.length !== 6 + count * SEGMENT_BYTES) throw fail(`value is ${value.length} bytes for ${count} segments`);
  const segments: OffsetSegment[] = [];
  for (let i = 0; i < count; i++) {
    const at = 6 + i * SEGMENT_BYTES;
    const segment = {
      topic,
      partition,
      upstreamStart: value.readBigInt64BE(at),
      downstreamStart: value.readBigInt64BE(at + 8),
      upstreamEnd: value.readBigInt64BE(at + 16),
    };
    if (segment.upstreamStart < 0n || segment.downstreamStart < 0n || segment.upstreamEnd <= segment.upstreamStart) {
      throw fail(`holds an impossible segment ${segment.upstreamStart}..${segment.upstreamEnd} -> ${segment.downstreamStart}`);
    }
    segments.push(segment);
  }
  return segments;
}
