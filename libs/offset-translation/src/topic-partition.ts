import { OffsetTranslationError } from './errors';

/** A partition of a topic, named as on the cluster it lives on. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * String form of a topic-partition, used as a map key: `<topic>-<partition>` (Kafka's own
 * `TopicPartition.toString`). Topic names may contain `-`, so parsing splits at the last one.
 */
export type TopicPartitionKey = string;

export function topicPartitionKey(tp: TopicPartition): TopicPartitionKey {
  return `${tp.topic}-${tp.partition}`;
}

export function parseTopicPartitionKey(key: TopicPartitionKey): TopicPartition {
  const dash = key.lastIndexOf('-');
  const topic = key.slice(0, dash);
  const digits = key.slice(dash + 1);
  if (dash <= 0 || !/^\d+$/.test(digits)) {
    throw new OffsetTranslationError('INVALID_TOPIC_PARTITION', `not a topic-partition key: "${key}"`);
  }
  return { topic, partition: Number(digits) };
}
