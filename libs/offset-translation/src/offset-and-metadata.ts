/** A committed group offset with its metadata, on either cluster. */
export interface OffsetAndMetadata {
  readonly offset: bigint;
  readonly metadata: string;
}
