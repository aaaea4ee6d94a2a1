/**
 * Partition count to grow the remote topic to, or null when nothing should change. Remote topics
 * only ever grow: a source with fewer partitions than its copy is left alone.
 */
export function partitionIncrease(sourcePartitions: number, targetPartitions: number): number | null {
  return sourcePartitions > targetPartitions ? sourcePartitions : null;
}
