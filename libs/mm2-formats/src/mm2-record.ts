/** Key and value bytes of one record in an MM2 internal topic. */
export interface Mm2RecordBytes {
  readonly key: Buffer;
  readonly value: Buffer;
}
