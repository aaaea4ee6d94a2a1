import type { KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { TopicSpec } from './flow-plan';

/**
 * Creates an internal topic (positions, heartbeats, offset syncs) when it is missing and returns its
 * partition count. Safe to race with other instances and with topic-config-sync: an existing topic
 * is used as it is, whatever its settings.
 */
export async function ensureTopic(admin: KafkaAdmin, spec: TopicSpec, logger: Logger): Promise<number> {
  const existing = (await admin.describeTopics([spec.name])).get(spec.name);
  if (existing) return existing.partitions;
  await admin.createTopics([{ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs } }]);
  const created = (await admin.describeTopics([spec.name])).get(spec.name);
  logger.info({ topic: spec.name, partitions: created?.partitions ?? spec.partitions, replicationFactor: spec.replicationFactor }, 'created internal topic');
  return created?.partitions ?? spec.partitions;
}
