import type { KafkaAdmin } from '@mirrormaker/kafka';

export interface RemoteTopicsOptions {
  /** How long a topic seen with its partitions is trusted. @default 30000 */
  knownTtlMs?: number;
  /** How often a missing topic (or partition) is looked up again. @default 1000 */
  missingRecheckMs?: number;
  now?: () => number;
}

interface Entry {
  partitions: number | undefined;
  checkedAt: number;
}

/**
 * Which remote topics exist on the target, and with how many partitions, asked of the admin client
 * before producing. A producer asked to write to a missing topic spends seconds in metadata
 * retries before it fails; this answers from a cache instead, so a partition waiting for its
 * remote topic costs one cheap lookup per second, shared by every partition of the topic.
 */
export class RemoteTopics {
  private readonly cache = new Map<string, Entry>();
  private listing: Promise<Set<string>> | undefined;
  private readonly knownTtlMs: number;
  private readonly missingRecheckMs: number;
  private readonly now: () => number;

  constructor(
    private readonly admin: KafkaAdmin,
    options: RemoteTopicsOptions = {},
  ) {
    this.knownTtlMs = options.knownTtlMs ?? 30_000;
    this.missingRecheckMs = options.missingRecheckMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Partition count of the topic, or undefined while it does not exist. */
  async partitions(topic: string, needPartition = 0): Promise<number | undefined> {
    const entry = this.cache.get(topic);
    const now = this.now();
    if (entry) {
      const fresh = entry.partitions !== undefined && entry.partitions > needPartition ? now - entry.checkedAt < this.knownTtlMs : now - entry.checkedAt < this.missingRecheckMs;
      if (fresh) return entry.partitions;
    }
    const names = await this.list();
    let partitions: number | undefined;
    if (names.has(topic)) partitions = (await this.admin.describeTopics([topic])).get(topic)?.partitions;
    this.cache.set(topic, { partitions, checkedAt: this.now() });
    return partitions;
  }

  /** Forget what is known, after a produce said the topic or partition is missing. */
  invalidate(topic: string): void {
    this.cache.delete(topic);
  }

  private list(): Promise<Set<string>> {
    this.listing ??= this.admin
      .listTopics()
      .then((names) => new Set(names))
      .finally(() => {
        this.listing = undefined;
      });
    return this.listing;
  }
}
