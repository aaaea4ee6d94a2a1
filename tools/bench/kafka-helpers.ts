/** Admin access to the benchmark clusters, and "has the mirror caught up?". */
import { createKafkaClient, KafkaAdmin, PartitionConsumer, type ConsumedBatch, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';

const logger = createLogger({ service: 'bench', level: 'silent' });

export function benchClient(alias: string, bootstrap: string): KafkaClient {
  return createKafkaClient({ clusterAlias: alias, brokers: [bootstrap], clientId: `bench-${alias}` }, logger);
}

export function benchAdmin(alias: string, bootstrap: string): KafkaAdmin {
  return new KafkaAdmin(benchClient(alias, bootstrap));
}

/** A consumer on exactly the given partitions (PartitionConsumer), for the latency measurement. */
export function benchConsumer(client: KafkaClient, handler: (batch: ConsumedBatch) => Promise<void>, partitions: number): PartitionConsumer {
  return new PartitionConsumer(client, {
    handler,
    concurrency: partitions,
    isolationLevel: 'read_uncommitted',
    maxWaitTimeMs: 100,
  });
}

/** End offset of every partition (empty map when the topic does not exist yet). */
export async function endOffsets(admin: KafkaAdmin, topic: string): Promise<Map<number, bigint>> {
  const result = new Map<number, bigint>();
  if (!(await admin.describeTopics([topic])).has(topic)) return result;
  for (const [p, o] of await admin.listOffsets(topic)) result.set(p, o.latest);
  return result;
}

/**
 * Waits until `topic` exists on the cluster (a mirror creates its remote and internal topics
 * itself); throws when `failure()` names a reason or after `timeoutMs`.
 */
export async function waitForTopic(alias: string, bootstrap: string, topic: string, timeoutMs: number, failure: () => string | undefined): Promise<void> {
  const admin = benchAdmin(alias, bootstrap);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const described = await admin.describeTopics([topic]).catch(() => undefined);
      if (described?.has(topic)) return;
      const why = failure();
      if (why) throw new Error(why);
      if (Date.now() > deadline) throw new Error(`the mirror did not create ${topic} within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.close();
  }
}

export function sumOffsets(offsets: ReadonlyMap<number, bigint>): number {
  let total = 0n;
  for (const v of offsets.values()) total += v;
  return Number(total);
}

/** True when every partition of `expected` has reached its end offset in `actual`. */
export function reached(expected: ReadonlyMap<number, bigint>, actual: ReadonlyMap<number, bigint>): boolean {
  for (const [p, end] of expected) if ((actual.get(p) ?? 0n) < end) return false;
  return true;
}

export interface CatchUpOptions {
  target: KafkaAdmin;
  remoteTopic: string;
  /** Source end offsets per partition: caught up when the remote topic has the same. */
  expected: ReadonlyMap<number, bigint>;
  /** Overall limit from the call. */
  timeoutMs: number;
  /** Give up when no record arrived this long after the call (start-up of the mirror). */
  startTimeoutMs: number;
  /** Give up when nothing more arrived for this long after the first record. */
  stallMs: number;
  pollMs?: number;
  /** Checked every poll: a reason to stop waiting (e.g. "apache-mm2 exited with code 1"). */
  failure?: () => string | undefined;
  onProgress?: (copied: number) => void;
}

export interface CatchUpResult {
  caughtUp: boolean;
  /** Why not, when not. */
  reason?: string;
  /** Records on the target at the end. */
  copied: number;
  /** First poll that saw records on the target, and how many it saw. */
  firstSeenAt?: number;
  firstSeenCount: number;
  /** Poll that saw the target caught up. */
  caughtUpAt?: number;
}

/** Polls the remote topic's end offsets until they equal the source's (or timeout / stall / failure). */
export async function waitCaughtUp(o: CatchUpOptions): Promise<CatchUpResult> {
  const pollMs = o.pollMs ?? 200;
  const started = Date.now();
  const total = sumOffsets(o.expected);
  let copied = 0;
  let firstSeenAt: number | undefined;
  let firstSeenCount = 0;
  let lastProgressAt = started;
  let lastError = '';
  for (;;) {
    let offsets: Map<number, bigint> | undefined;
    try {
      offsets = await endOffsets(o.target, o.remoteTopic);
      lastError = '';
    } catch (err) {
      lastError = (err as Error).message;
    }
    const now = Date.now();
    if (offsets) {
      const c = sumOffsets(offsets);
      if (c > copied) {
        lastProgressAt = now;
        o.onProgress?.(c);
      }
      copied = c;
      if (c > 0 && firstSeenAt === undefined) {
        firstSeenAt = now;
        firstSeenCount = c;
      }
      if (reached(o.expected, offsets)) return { caughtUp: true, copied, firstSeenAt, firstSeenCount, caughtUpAt: now };
    }
    const failure = o.failure?.();
    const notCaughtUp = (why: string): CatchUpResult => ({
      caughtUp: false,
      reason: `not caught up: ${why} (${copied} of ${total} records copied)${lastError ? `; last error: ${lastError}` : ''}`,
      copied,
      firstSeenAt,
      firstSeenCount,
    });
    if (failure) return notCaughtUp(failure);
    if (now - started > o.timeoutMs) return notCaughtUp(`timeout of ${Math.round(o.timeoutMs / 1000)} s reached`);
    if (firstSeenAt === undefined && now - started > o.startTimeoutMs) {
      return notCaughtUp(`no record arrived within ${Math.round(o.startTimeoutMs / 1000)} s of the start`);
    }
    if (firstSeenAt !== undefined && now - lastProgressAt > o.stallMs) return notCaughtUp(`no progress for ${Math.round(o.stallMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
