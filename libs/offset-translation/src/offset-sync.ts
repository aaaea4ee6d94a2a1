/**
 * One record of the offset-syncs topic: the record at `upstreamOffset` of the source partition was
 * written at `downstreamOffset` of the remote partition. `topic` is the source (not renamed) name.
 */
export interface OffsetSync {
  readonly topic: string;
  readonly partition: number;
  readonly upstreamOffset: bigint;
  readonly downstreamOffset: bigint;
}
