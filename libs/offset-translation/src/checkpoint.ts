/**
 * A translated consumer-group position, as written to `<source>.checkpoints.internal`.
 * `topic` is the target-side (renamed) topic, e.g. `A.orders`; `metadata` is the source commit's.
 */
export interface Checkpoint {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: bigint;
  readonly downstreamOffset: bigint;
  readonly metadata: string;
}

/** A committed group offset with its metadata, on either cluster. */
export interface OffsetAndMetadata {
  readonly offset: bigint;
  readonly metadata: string;
}
