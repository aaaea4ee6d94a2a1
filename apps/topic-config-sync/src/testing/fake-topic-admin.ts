import { KafkaError, type ConfigEntry, type NewTopic, type TopicDescription } from '@mirrormaker/kafka';
import type { TopicAdmin } from '../topic-sync-unit';

/** Built-in defaults the fake reports for every topic. */
export const FAKE_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': '604800000',
  'max.message.bytes': '1048588',
  'min.insync.replicas': '1',
  'segment.bytes': '1073741824',
};

interface FakeTopic {
  partitions: number;
  replicationFactor: number;
  overrides: Record<string, string>;
}

type Method = keyof TopicAdmin;

/** An in-memory cluster behind the TopicAdmin calls, with injectable failures, for unit tests. */
export class FakeTopicAdmin implements TopicAdmin {
  readonly topics = new Map<string, FakeTopic>();
  readonly calls: Array<{ method: Method; args: unknown[] }> = [];
  /** Errors thrown by the next calls of a method (one per call), or by every call while `down`. */
  readonly failures = new Map<Method, Array<(args: unknown[]) => Error | undefined>>();
  down: KafkaError | undefined;
  closed = false;

  addTopic(name: string, partitions: number, overrides: Record<string, string> = {}): void {
    this.topics.set(name, { partitions, replicationFactor: 1, overrides: { ...overrides } });
  }

  failWhen(method: Method, fail: (args: unknown[]) => Error | undefined): void {
    const list = this.failures.get(method) ?? [];
    list.push(fail);
    this.failures.set(method, list);
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async listTopics(): Promise<string[]> {
    this.enter('listTopics', []);
    return [...this.topics.keys()];
  }

  async describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>> {
    this.enter('describeTopics', [names]);
    return new Map(names.filter((n) => this.topics.has(n)).map((n) => [n, { partitions: this.topics.get(n)!.partitions }]));
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    this.enter('createTopics', [topics]);
    for (const t of topics) {
      if (this.topics.has(t.name)) continue;
      this.topics.set(t.name, { partitions: t.partitions, replicationFactor: t.replicationFactor, overrides: { ...(t.configs ?? {}) } });
    }
  }

  async createPartitions(topic: string, totalCount: number): Promise<void> {
    this.enter('createPartitions', [topic, totalCount]);
    const t = this.topics.get(topic);
    if (!t) throw new KafkaError('TOPIC_NOT_FOUND', `no topic ${topic}`);
    if (totalCount <= t.partitions) throw new KafkaError('INVALID_PARTITIONS', `${topic} has ${t.partitions}`);
    t.partitions = totalCount;
  }

  async describeTopicConfigs(names: readonly string[]): Promise<Map<string, ConfigEntry[]>> {
    this.enter('describeTopicConfigs', [names]);
    const result = new Map<string, ConfigEntry[]>();
    for (const name of names) {
      const t = this.topics.get(name);
      if (!t) throw new KafkaError('TOPIC_NOT_FOUND', `no topic ${name}`, { retriable: true });
      const keys = new Set([...Object.keys(FAKE_DEFAULTS), ...Object.keys(t.overrides)]);
      result.set(
        name,
        [...keys].map((key) => {
          const overridden = Object.hasOwn(t.overrides, key);
          return {
            name: key,
            value: overridden ? t.overrides[key]! : (FAKE_DEFAULTS[key] ?? null),
            isDefault: !overridden,
            isReadOnly: false,
            isSensitive: false,
            source: overridden ? 'DYNAMIC_TOPIC_CONFIG' : 'DEFAULT_CONFIG',
            synonyms: [],
          };
        }),
      );
    }
    return result;
  }

  async alterTopicConfigs(topic: string, fullSet: Readonly<Record<string, string>>): Promise<void> {
    this.enter('alterTopicConfigs', [topic, fullSet]);
    const t = this.topics.get(topic);
    if (!t) throw new KafkaError('TOPIC_NOT_FOUND', `no topic ${topic}`);
    t.overrides = { ...fullSet };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private enter(method: Method, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.down) throw this.down;
    const pending = this.failures.get(method);
    if (pending && pending.length > 0) {
      const error = pending[0]!(args);
      if (error) {
        pending.shift();
        throw error;
      }
    }
  }
}
