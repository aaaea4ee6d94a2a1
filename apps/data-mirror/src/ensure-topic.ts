import { isKafkaError, type KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { TopicSpec } from './flow-plan';

/** An existing internal topic whose settings would lose what we write to it; someone has to change it. */
export class TopicSettingsError extends Error {
  override readonly name = 'TopicSettingsError';
  readonly retriable = false;

  constructor(
    readonly topic: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates an internal topic (positions, heartbeats, offset syncs, offset segments) when it is
 * missing and returns its partition count. Safe to race with other instances and with
 * topic-config-sync: an existing topic is used as it is, whatever its settings, except that a topic
 * that must keep its history (`keepsHistory`) and compacts is refused with a TopicSettingsError.
 */
export async function ensureTopic(admin: KafkaAdmin, spec: TopicSpec, logger: Logger): Promise<number> {
  const existing = (await admin.describeTopics([spec.name])).get(spec.name);
  if (existing) {
    if (spec.keepsHistory) await refuseCompaction(admin, spec.name, logger);
    return existing.partitions;
  }
  await admin.createTopics([{ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs } }]);
  const created = (await admin.describeTopics([spec.name])).get(spec.name);
  logger.info({ topic: spec.name, partitions: created?.partitions ?? spec.partitions, replicationFactor: spec.replicationFactor }, 'created internal topic');
  return created?.partitions ?? spec.partitions;
}

async function refuseCompaction(admin: KafkaAdmin, topic: string, logger: Logger): Promise<void> {
  let policy: string | null | undefined;
  try {
    policy = (await admin.describeTopicConfigs([topic])).get(topic)?.find((e) => e.name === 'cleanup.policy')?.value;
  } catch (err) {
    if (!isKafkaError(err, 'AUTHORIZATION_FAILED')) throw err;
    logger.warn({ topic, err: err.message }, 'cannot read the settings of the topic (DESCRIBE_CONFIGS denied); it must have cleanup.policy=delete');
    return;
  }
  if (policy?.split(',').some((p) => p.trim() === 'compact')) {
    throw new TopicSettingsError(
      topic,
      `topic ${topic} has cleanup.policy=${policy}: compaction keeps one record per source partition and would lose the offset mapping. ` +
        `Set cleanup.policy=delete on it (kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=delete), ` +
        'or delete it so that it is created again; it is not changed here',
    );
  }
}
