import { createKafkaClient, IdleGroupOffsets, isKafkaError, type KafkaConnection } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { parseTopicPartitionKey, type OffsetAndMetadata, type TopicPartitionKey } from '@mirrormaker/offset-translation';

/** Writes translated offsets to target groups that have no members (see IdleGroupOffsets). */
export interface GroupOffsetWriter {
  /** Throws a KafkaError GROUP_NOT_IDLE when the broker refused because the group has members. */
  commit(group: string, offsets: ReadonlyMap<TopicPartitionKey, OffsetAndMetadata>): Promise<void>;
  close(): Promise<void>;
}

export function isGroupNotIdleError(err: unknown): boolean {
  return isKafkaError(err, 'GROUP_NOT_IDLE');
}

/** A writer for one cluster; connects on first use. */
export function idleGroupOffsetWriter(connection: KafkaConnection, logger: Logger): GroupOffsetWriter {
  const commits = new IdleGroupOffsets(createKafkaClient({ ...connection, clientId: `${connection.clientId}|group-offsets` }, logger));
  return {
    commit: (group, offsets) =>
      commits.commit(
        group,
        [...offsets].map(([key, { offset, metadata }]) => ({ ...parseTopicPartitionKey(key), offset, metadata })),
      ),
    close: () => commits.close(),
  };
}
