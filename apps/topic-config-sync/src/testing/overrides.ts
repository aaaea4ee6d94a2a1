import type { KafkaAdmin } from '@mirrormaker/kafka';

/** Topic-level overrides of a topic, as name -> value. */
export async function overridesOf(admin: KafkaAdmin, topic: string): Promise<Record<string, string | null>> {
  const entries = (await admin.describeTopicConfigs([topic])).get(topic) ?? [];
  return Object.fromEntries(entries.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => [e.name, e.value]));
}
