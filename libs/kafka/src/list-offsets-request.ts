/**
 * ListOffsets v2 requests written into one Buffer.
 *
 * kafkajs 2.2.4's `protocol/requests/listOffsets/v2/request.js` makes a fresh zero-filled 512-byte
 * Encoder for every topic and every partition and copies each into its parent. A data-mirror that
 * reads the offsets of a few thousand source topics every few seconds spent more time allocating
 * and collecting those than in anything else it did. This one sizes the body first and writes it
 * once, byte-identical to kafkajs's (list-offsets-request.spec.ts); kafkajs still decodes the answer.
 */
import type Encoder from 'kafkajs/src/protocol/encoder';
import { writeString } from './produce-request-encoder';
import { encoderWithHeadroom, FRAME_HEADROOM } from './request-framing-patch';

const LIST_OFFSETS_API_KEY = 2;
/** What a client (not a follower broker) sends as replica id. */
const CLIENT_REPLICA_ID = -1;

export interface ListOffsetsTopic {
  topic: string;
  /** `timestamp`: milliseconds, or -2 (earliest) / -1 (latest), as kafkajs takes it (a string or number). */
  partitions: ReadonlyArray<{ partition: number; timestamp: string | number }>;
}

export interface ListOffsetsRequest {
  apiKey: number;
  apiVersion: 2;
  apiName: 'ListOffsets';
  encode(): Promise<Encoder>;
}

export function listOffsetsRequestV2(isolationLevel: number, topics: readonly ListOffsetsTopic[]): ListOffsetsRequest {
  return {
    apiKey: LIST_OFFSETS_API_KEY,
    apiVersion: 2,
    apiName: 'ListOffsets',
    encode: async () => {
      let size = 4 + 1 + 4;
      for (const t of topics) size += 2 + Buffer.byteLength(t.topic, 'utf8') + 4 + t.partitions.length * (4 + 8);
      const buffer = Buffer.allocUnsafe(FRAME_HEADROOM + size);
      let off = buffer.writeInt32BE(CLIENT_REPLICA_ID, FRAME_HEADROOM);
      off = buffer.writeInt8(isolationLevel, off);
      off = buffer.writeInt32BE(topics.length, off);
      for (const t of topics) {
        off = writeString(buffer, off, t.topic);
        off = buffer.writeInt32BE(t.partitions.length, off);
        for (const p of t.partitions) {
          off = buffer.writeInt32BE(p.partition, off);
          off = buffer.writeBigInt64BE(BigInt(p.timestamp), off);
        }
      }
      // Written after room for the frame header, which request-framing-patch.ts puts in front of it.
      return encoderWithHeadroom(buffer, FRAME_HEADROOM);
    },
  };
}
