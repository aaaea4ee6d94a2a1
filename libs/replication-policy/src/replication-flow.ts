/** One direction of replication, e.g. A->B. */
export interface ReplicationFlow {
  readonly sourceClusterAlias: string;
  readonly targetClusterAlias: string;
}
