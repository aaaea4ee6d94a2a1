/**
 * Commits offsets for a consumer group that has no members, without joining it.
 *
 * The commit is an OffsetCommit request to the group's coordinator with generation -1 and no member
 * id, as Java's Admin.alterConsumerGroupOffsets sends it. The broker applies it only while the group
 * has no members and refuses it otherwise, in one step on the group coordinator, so a consumer that
 * starts at the same moment is never disturbed: either it is a member when the commit arrives and
 * the commit is refused, or it joins afterwards and starts from the committed offset. kafkajs's
 * public `admin.setOffsets` instead joins the group with a temporary member, which a consumer
 * starting at that moment sees as INCONSISTENT_GROUP_PROTOCOL; hence this port, which reaches
 * kafkajs 2.2.4's internal cluster object (kafkajs-cluster.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaClient } from './connection';
import { connectCluster, type InternalCluster } from './kafkajs-cluster';
import { KafkaError, toKafkaError } from './errors';

export interface GroupOffsetCommit {
  topic: string;
  partition: number;
  offset: bigint;
  metadata: string | null;
}

/** Broker answers meaning "this group has members", for classic and KIP-848 consumer groups. */
const GROUP_BUSY = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);
const STALE_MEMBER_EPOCH_CODE = 113;
const COMMIT_ATTEMPTS = 5;
const RETRY_DELAY_MS = 200;

/** Commits group offsets on one cluster; connects on first use. */
export class IdleGroupOffsets {
  private cluster: Promise<InternalCluster> | undefined;
  private closed = false;

  constructor(private readonly client: KafkaClient) {}

  /**
   * Commits `offsets` for `group` if the group has no members. Throws KafkaError GROUP_NOT_IDLE
   * when the broker refused because the group has (or is getting) members; nothing changed then.
   */
  async commit(group: string, offsets: readonly GroupOffsetCommit[]): Promise<void> {
    if (offsets.length === 0) return;
    const where = { operation: `commit offsets of group '${group}'`, cluster: this.client.clusterAlias };
    const byTopic = new Map<string, Array<{ partition: number; offset: string; metadata: string | null }>>();
    for (const { topic, partition, offset, metadata } of offsets) {
      const partitions = byTopic.get(topic) ?? [];
      partitions.push({ partition, offset: offset.toString(), metadata });
      byTopic.set(topic, partitions);
    }
    const topics = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          // Looked up on every attempt: NOT_COORDINATOR means the group moved to another broker.
          const coordinator = await (await this.ready()).findGroupCoordinator({ groupId: group });
          await coordinator.offsetCommit({ groupId: group, groupGenerationId: -1, memberId: '', topics });
          return;
        } catch (err) {
          if ((err as { retriable?: boolean }).retriable !== true || attempt >= COMMIT_ATTEMPTS) throw err;
          await sleep(RETRY_DELAY_MS * attempt);
        }
      }
    } catch (err) {
      const { type, code } = err as { type?: string; code?: number };
      if ((type !== undefined && GROUP_BUSY.has(type)) || code === STALE_MEMBER_EPOCH_CODE) {
        throw new KafkaError('GROUP_NOT_IDLE', `${where.operation} on cluster '${where.cluster}': refused, the group has members (${type ?? code})`, {
          cause: err,
          protocolError: type,
        });
      }
      throw toKafkaError(err, where);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.cluster;
    this.cluster = undefined;
    if (pending) await (await pending.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private ready(): Promise<InternalCluster> {
    if (this.closed) return Promise.reject(new KafkaError('CLOSED', `group offset commits to cluster '${this.client.clusterAlias}' are closed`));
    this.cluster ??= connectCluster(this.client, 'group offsets cannot be committed').catch((err: unknown) => {
      this.cluster = undefined;
      throw err;
    });
    return this.cluster;
  }
}
