/**
 * Failover and failback of consumer groups along a flow A->B, for the control API.
 *
 * Failover (A -> B), per group:
 *  1. the group must have no active member on B (else NOT_IDLE, nothing written);
 *  2. its offsets are translated: from its committed offsets on A through offset-sync (exact where
 *     the offset segments cover them) while A answers, else from the newest checkpoints on B;
 *  3. unless a dry run, the translations are committed to the group on B where B has none or an
 *     earlier offset (a group is never moved backwards).
 * The answer also lists, per source partition, the records written on A that are not known to be
 * on B (the data at risk), from A's end offsets when it answers, else from the last ones reported.
 *
 * Failback (B -> A) needs the reverse flow B->A with nothing left to copy (else it reports the lag
 * and writes nothing). Per group, its offsets on B are translated back:
 *  - on remote topics of A->B (`A.t` on B): to `t` on A, by the reverse of A->B's offset segments;
 *  - on B's own topics (written there during the outage): to `B.t` on A by B->A, as in failover.
 *
 * Clients for this are opened per call with short retries, so a failed cluster costs seconds, not
 * minutes, and closed afterwards.
 */
import { flowReplication, type FlowConfig } from '@mirrormaker/config';
import { createKafkaClient, IdleGroupOffsets, isKafkaError, KafkaAdmin, PartitionFetcher, withDecodedRecords, type KafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import { decodeCheckpoint, type Checkpoint } from '@mirrormaker/mm2-formats';
import type { Logger, SkippedRecordReporter } from '@mirrormaker/observability';
import {
  GroupMoveOutcome,
  TranslationMethod,
  type GroupMoveReport,
  type FlowRef,
  type GroupMove,
  type SourcePosition,
  type TargetPosition,
  type TranslatedOffset,
  type UntranslatedPartition,
} from '@mirrormaker/proto';
import { dataAtRisk, groupMove, latestCheckpoints, partitionKey, partitionMoves, type MoveCandidate, type ReplicatedPartition } from './failover-plan';

export interface GroupMoverDeps {
  logger: Logger;
  /** Counts and logs checkpoint records that do not decode. */
  skipped: SkippedRecordReporter;
  /** The flow's config; throws FlowNotFound for an unknown flow. */
  flow(name: string): FlowConfig;
  /** Connection settings of a configured cluster. */
  connection(alias: string): KafkaConnection;
  /** The flow's source partitions as the data mirror last reported them. */
  replicated(flow: string): ReplicatedPartition[];
  /** Records the flow has still to copy, and how many of its partitions nobody copies right now. */
  lag(flow: string): { lag: bigint; unheld: number };
  /** TranslateOffsets on the offset-sync instance holding the flow. */
  translate(flow: FlowRef, group: string): Promise<TranslatedOffset[]>;
  /** TranslateToSource on the offset-sync instance holding the flow. */
  translateToSource(flow: FlowRef, positions: TargetPosition[]): Promise<SourcePosition[]>;
}

/** How long a cluster may take to answer before it counts as failed. */
const PROBE_TIMEOUT_MS = 5_000;
const CHECKPOINTS_READ_TIMEOUT_MS = 20_000;

export class FailbackNotPossible extends Error {
  readonly code = 'FAILED_PRECONDITION';
}

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

class Side {
  readonly client: KafkaClient;
  readonly admin: KafkaAdmin;

  constructor(
    readonly alias: string,
    connection: KafkaConnection,
    logger: Logger,
  ) {
    this.client = createKafkaClient({ ...connection, requestTimeoutMs: 5_000, retry: { retries: 1, initialRetryTimeMs: 200, maxRetryTimeMs: 1_000 } }, logger);
    this.admin = new KafkaAdmin(this.client);
  }

  async reachable(): Promise<boolean> {
    try {
      await within(PROBE_TIMEOUT_MS, `cluster ${this.alias}`, this.admin.listTopics());
      return true;
    } catch {
      return false;
    }
  }

  async members(group: string): Promise<number> {
    return (await this.admin.describeGroups([group])).get(group)?.members ?? 0;
  }

  async committed(group: string): Promise<Map<string, bigint>> {
    const result = new Map<string, bigint>();
    for (const [topic, partitions] of await this.admin.fetchCommittedOffsets(group)) {
      for (const [partition, c] of partitions) result.set(partitionKey(topic, partition), c.offset);
    }
    return result;
  }

  async close(): Promise<void> {
    await this.admin.close().catch(() => undefined);
  }
}

const flowName = (ref: FlowRef) => `${ref.source}->${ref.target}`;
const splitKey = (key: string): [string, number] => {
  const [topic, partition] = key.split('\u0000');
  return [topic!, Number(partition)];
};

export class GroupMover {
  private readonly log: Logger;

  constructor(private readonly deps: GroupMoverDeps) {
    this.log = deps.logger.child({ component: 'group-mover' });
  }

  async failover(ref: FlowRef, groups: readonly string[], dryRun: boolean): Promise<GroupMoveReport> {
    const flow = this.deps.flow(flowName(ref));
    const rules = flowReplication(flow);
    const from = new Side(flow.source, this.deps.connection(flow.source), this.deps.logger);
    const to = new Side(flow.target, this.deps.connection(flow.target), this.deps.logger);
    try {
      const reachable = await from.reachable();
      const replicated = this.deps.replicated(flow.name);
      const liveEnds = reachable ? await this.endOffsets(from, [...new Set(replicated.map((p) => p.topic))]).catch(() => undefined) : undefined;
      let checkpoints: Checkpoint[] | undefined;
      const moves: GroupMove[] = [];
      for (const group of groups) {
        let candidates: MoveCandidate[] = [];
        const untranslated: UntranslatedPartition[] = [];
        let translatedLive = false;
        if (reachable) {
          try {
            const translated = await this.deps.translate(ref, group);
            candidates = translated.map((t) => ({
              topic: t.topic,
              partition: t.partition,
              offset: t.downstreamOffset,
              fromTopic: rules.policy.upstreamTopic(t.topic) ?? t.topic,
              fromOffset: t.upstreamOffset,
              recordsReread: t.recordsReread,
              method: t.method,
            }));
            const done = new Set(candidates.map((c) => partitionKey(c.fromTopic, c.partition)));
            for (const [key, offset] of await from.committed(group)) {
              const [topic, partition] = splitKey(key);
              if (done.has(key) || !rules.topicFilter.shouldReplicateTopic(topic)) continue;
              untranslated.push({ topic, partition, offset, reason: `no offset segment or offset sync of ${flow.name} covers offset ${offset} yet` });
            }
            translatedLive = true;
          } catch (err) {
            this.log.warn({ flow: flow.name, group, err: (err as Error).message }, 'live translation failed; using the checkpoints on the target');
          }
        }
        if (!translatedLive) {
          checkpoints ??= await this.readCheckpoints(to, rules.policy.checkpointsTopic(flow.source));
          candidates = latestCheckpoints(checkpoints, group).map((c) => ({
            topic: c.topic,
            partition: c.partition,
            offset: c.downstreamOffset,
            fromTopic: rules.policy.upstreamTopic(c.topic) ?? c.topic,
            fromOffset: c.upstreamOffset,
            recordsReread: 0n,
            method: TranslationMethod.TRANSLATION_METHOD_CHECKPOINT,
          }));
        }
        moves.push(await this.move(to, group, candidates, untranslated, dryRun));
      }
      return {
        dryRun,
        fromCluster: flow.source,
        toCluster: flow.target,
        fromClusterReachable: reachable,
        groups: moves,
        dataAtRisk: dataAtRisk(replicated, liveEnds),
        reverseFlowLag: 0n,
      };
    } finally {
      await Promise.all([from.close(), to.close()]);
    }
  }

  async failback(ref: FlowRef, groups: readonly string[], dryRun: boolean): Promise<GroupMoveReport> {
    const forward = this.deps.flow(flowName(ref));
    const reverseRef = { source: forward.target, target: forward.source };
    let reverse: FlowConfig;
    try {
      reverse = this.deps.flow(flowName(reverseRef));
    } catch {
      reverse = undefined as unknown as FlowConfig;
    }
    if (!reverse?.enabled) {
      throw new FailbackNotPossible(
        `failing back along ${forward.name} needs the reverse flow ${flowName(reverseRef)} enabled, to bring back what was written on ${forward.target}: ` +
          `set ${flowName(reverseRef)}.enabled = true (PatchFlow or ApplyConfig), wait until it has copied everything, then run Failback again`,
      );
    }
    const reverseRules = flowReplication(reverse);
    const forwardRules = flowReplication(forward);
    const { lag, unheld } = this.deps.lag(reverse.name);
    const home = new Side(forward.source, this.deps.connection(forward.source), this.deps.logger);
    const away = new Side(forward.target, this.deps.connection(forward.target), this.deps.logger);
    const base = { dryRun, fromCluster: forward.target, toCluster: forward.source, fromClusterReachable: true, dataAtRisk: [], reverseFlowLag: lag };
    try {
      if (lag > 0n || unheld > 0) {
        const detail =
          `${reverse.name} has ${lag} record(s) left to copy` + (unheld > 0 ? ` and ${unheld} partition(s) nobody copies yet` : '') + '; nothing written: run Failback again once it is 0';
        return { ...base, groups: groups.map((group) => ({ group, outcome: GroupMoveOutcome.GROUP_MOVE_OUTCOME_WAITING_FOR_REVERSE_FLOW, detail, partitions: [], untranslated: [] })) };
      }
      const moves: GroupMove[] = [];
      for (const group of groups) {
        const committed = await away.committed(group);
        const remote: TargetPosition[] = [];
        const local = new Map<string, bigint>();
        for (const [key, offset] of committed) {
          const [topic, partition] = splitKey(key);
          if (forwardRules.policy.topicSource(topic) === forward.source && forwardRules.policy.upstreamTopic(topic) !== null) remote.push({ topic, partition, offset });
          else local.set(key, offset);
        }
        const candidates: MoveCandidate[] = [];
        const untranslated: UntranslatedPartition[] = [];
        if (remote.length > 0) {
          for (const p of await this.deps.translateToSource(ref, remote)) {
            if (!p.translated) untranslated.push({ topic: p.topic, partition: p.partition, offset: p.downstreamOffset, reason: p.reason });
            else
              candidates.push({
                topic: p.sourceTopic,
                partition: p.partition,
                offset: p.upstreamOffset,
                fromTopic: p.topic,
                fromOffset: p.downstreamOffset,
                recordsReread: p.recordsReread,
                method: TranslationMethod.TRANSLATION_METHOD_EXACT_REVERSE,
              });
          }
        }
        const wanted = [...local.keys()].filter((key) => reverseRules.topicFilter.shouldReplicateTopic(splitKey(key)[0]));
        if (wanted.length > 0) {
          const translated = await this.deps.translate(reverseRef, group);
          const done = new Set<string>();
          for (const t of translated) {
            const fromTopic = reverseRules.policy.upstreamTopic(t.topic) ?? t.topic;
            if (!local.has(partitionKey(fromTopic, t.partition))) continue;
            done.add(partitionKey(fromTopic, t.partition));
            candidates.push({ topic: t.topic, partition: t.partition, offset: t.downstreamOffset, fromTopic, fromOffset: t.upstreamOffset, recordsReread: t.recordsReread, method: t.method });
          }
          for (const key of wanted.filter((k) => !done.has(k))) {
            const [topic, partition] = splitKey(key);
            untranslated.push({ topic, partition, offset: local.get(key)!, reason: `no offset segment or offset sync of ${reverse.name} covers offset ${local.get(key)} yet` });
          }
        }
        moves.push(await this.move(home, group, candidates, untranslated, dryRun));
      }
      return { ...base, groups: moves };
    } finally {
      await Promise.all([home.close(), away.close()]);
    }
  }

  /** Checks the group is idle on the destination and commits the moves there (unless a dry run). */
  private async move(destination: Side, group: string, candidates: MoveCandidate[], untranslated: UntranslatedPartition[], dryRun: boolean): Promise<GroupMove> {
    const members = await destination.members(group);
    const moves = partitionMoves(candidates, await destination.committed(group));
    const planned = groupMove({ group, dryRun, membersOnDestination: members, destination: destination.alias, moves, untranslated });
    if (dryRun || planned.outcome !== GroupMoveOutcome.GROUP_MOVE_OUTCOME_MOVED) return planned;
    const writes = moves.filter((m) => m.written);
    if (writes.length === 0) return planned;
    const commits = new IdleGroupOffsets(destination.client);
    try {
      await commits.commit(group, writes.map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset, metadata: `moved from ${m.fromTopic}@${m.fromOffset}` })));
    } catch (err) {
      if (isKafkaError(err) && err.code === 'GROUP_NOT_IDLE') {
        return groupMove({ group, dryRun, membersOnDestination: Math.max(1, await destination.members(group)), destination: destination.alias, moves, untranslated });
      }
      throw err;
    } finally {
      await commits.close();
    }
    this.log.info({ group, destination: destination.alias, partitions: writes.length }, 'group offsets moved');
    return planned;
  }

  private async endOffsets(side: Side, topics: readonly string[]): Promise<Map<string, bigint>> {
    const ends = new Map<string, bigint>();
    for (const topic of topics) {
      for (const [partition, o] of await within(PROBE_TIMEOUT_MS, `end offsets of ${topic}`, side.admin.listOffsets(topic))) ends.set(partitionKey(topic, partition), o.latest);
    }
    return ends;
  }

  /** Every checkpoint in the topic, in the order written (partition 0, as MM2 uses it). */
  private async readCheckpoints(side: Side, topic: string): Promise<Checkpoint[]> {
    if (!(await side.admin.listTopics()).includes(topic)) return [];
    const end = (await side.admin.listOffsets(topic)).get(0);
    if (!end || end.latest <= end.earliest) return [];
    const found: Checkpoint[] = [];
    const consumer = new PartitionFetcher(side.client, {
      handler: withDecodedRecords(async (batch) => {
        for (const r of batch.records) {
          const where = { topic: batch.topic, partition: batch.partition, offset: r.offset };
          if (r.key === null || r.value === null) {
            this.deps.skipped.skipped(where, 'no-key-or-value');
            continue;
          }
          try {
            found.push(decodeCheckpoint(r.key, r.value));
          } catch (err) {
            // MM2's reader skips such a record too.
            this.deps.skipped.skipped(where, 'undecodable', err);
          }
        }
      }),
    });
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: end.earliest }]);
      const deadline = Date.now() + CHECKPOINTS_READ_TIMEOUT_MS;
      while ((consumer.position(topic, 0) ?? -1n) < end.latest) {
        if (Date.now() > deadline) throw new Error(`reading ${topic} on ${side.alias} did not reach its end within ${CHECKPOINTS_READ_TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await consumer.close();
    }
    return found;
  }
}

