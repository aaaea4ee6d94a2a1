import type { KafkaProducer, ProducerRecord } from '@mirrormaker/kafka';

/** What the offset-sync and offset-segment emitters need of a producer: writes acknowledged by all replicas. */
export interface RecordSender {
  send(topic: string, records: ProducerRecord[]): Promise<unknown>;
}

interface Queued {
  readonly records: ProducerRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Records per Produce request at most (offset syncs are about 50 bytes each). */
export const MAX_COALESCED_RECORDS = 1000;

/**
 * One Produce request in flight per topic, carrying every record queued while the previous one
 * was in flight, in the order they were queued.
 *
 * Each partition unit writes its offset syncs one send at a time, and a copied batch is usually
 * worth one sync: sent one by one, syncs were as many Produce requests as the data itself (1 KiB
 * records: a third of the data-mirror's CPU and of its rate went to them). Java's producer, which MM2
 * writes them with, gathers records queued behind a request in flight into the next one; this does
 * the same for the records of every unit of a flow. Order holds: within a request the records keep
 * their order, and a request is sent only after the one before it is answered.
 *
 * A failed request fails every send in it; the emitters log that and go on, as MM2 does.
 */
export class CoalescingSender implements RecordSender {
  private readonly queues = new Map<string, Queued[]>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly producer: Pick<KafkaProducer, 'send'>,
    private readonly maxRecords = MAX_COALESCED_RECORDS,
  ) {}

  /** Queues `records` for `topic`; resolves once the request carrying them is answered (acks all). */
  send(topic: string, records: ProducerRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue = this.queues.get(topic);
      if (!queue) this.queues.set(topic, (queue = []));
      queue.push({ records, resolve, reject });
      this.drain(topic);
    });
  }

  private drain(topic: string): void {
    const queue = this.queues.get(topic);
    if (this.busy.has(topic) || !queue || queue.length === 0) return;
    const max = this.maxRecords;
    const taken: Queued[] = [];
    const records: ProducerRecord[] = [];
    while (queue.length > 0 && (taken.length === 0 || records.length + queue[0].records.length <= max)) {
      const next = queue.shift() as Queued;
      taken.push(next);
      records.push(...next.records);
    }
    if (queue.length === 0) this.queues.delete(topic);
    this.busy.add(topic);
    this.producer
      .send(topic, records, { acks: 'all' })
      .then(
        () => taken.forEach((q) => q.resolve()),
        (err: unknown) => taken.forEach((q) => q.reject(err)),
      )
      .finally(() => {
        this.busy.delete(topic);
        this.drain(topic);
      });
  }
}
