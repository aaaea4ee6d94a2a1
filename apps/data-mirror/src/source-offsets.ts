import { isKafkaError, type PartitionOffsets, type TopicOffsets } from '@mirrormaker/kafka';

export interface SourceOffsetsOptions {
  /** One read of many topics (TopicOffsetsReader.read); throws when it concerns them all. */
  read: (topics: readonly string[]) => Promise<Map<string, TopicOffsets>>;
  /** Told of every read: whether the source answered at all. */
  onRead?: (error: unknown) => void;
  /** Looks at a topic whose partitions had no leader, at most this often. @default 8 */
  attempts?: number;
  /** Wait before the nth further look. @default 100 ms × n */
  delayMs?: (attempt: number) => number;
}

interface Waiter {
  resolve: (offsets: Map<number, PartitionOffsets>) => void;
  reject: (err: unknown) => void;
}

/**
 * The offsets of a flow's source topics. Every topic asked for in one turn of the event loop is
 * read with the others in one request per broker: the units of a flow start together, thousands at
 * once when a revision restarts them, and each needs its topic's offsets.
 *
 * A topic with a partition that has no leader just now (created a moment ago, a broker restarting)
 * is looked at again a few times before its caller hears of it, as a unit should not report a
 * failed start for an election that ends within a second or two.
 */
export class SourceOffsets {
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly options: SourceOffsetsOptions) {}

  /** Earliest and latest offsets of every partition of `topic`; rejects with the topic's KafkaError. */
  async of(topic: string): Promise<Map<number, PartitionOffsets>> {
    const attempts = this.options.attempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(topic);
      } catch (err) {
        const leaderless = isKafkaError(err, 'PARTITION_NOT_FOUND') && err.retriable;
        if (!leaderless || attempt >= attempts) throw err;
        await new Promise((resolve) => setTimeout(resolve, (this.options.delayMs ?? ((n) => 100 * n))(attempt)));
      }
    }
  }

  /** One read of every topic given, as is: each topic's offsets or its error. */
  async all(topics: readonly string[]): Promise<Map<string, TopicOffsets>> {
    try {
      const answers = await this.options.read(topics);
      this.options.onRead?.(undefined);
      return answers;
    } catch (err) {
      this.options.onRead?.(err);
      throw err;
    }
  }

  private once(topic: string): Promise<Map<number, PartitionOffsets>> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(topic) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(topic, waiters);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    let answers: Map<string, TopicOffsets>;
    try {
      answers = await this.all([...batch.keys()]);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      return;
    }
    for (const [topic, waiters] of batch) {
      const answer = answers.get(topic);
      for (const w of waiters) {
        if (answer instanceof Map) w.resolve(answer);
        else w.reject(answer ?? new Error(`no answer for topic '${topic}' in a read that asked for it`));
      }
    }
  }
}
