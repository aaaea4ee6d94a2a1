/**
 * When a coordinator replica leads, follows or tries to take over: pure rules over an injected
 * clock, so they are tested without Kafka.
 *
 * Invariants:
 * - a follower tries to take over only after it has seen no leader record for `takeoverAfterMs`
 *   (measured from when it *received* the last one, which is after the leader sent it);
 * - a leader acts (grants leases, writes config) only within `leaderLeaseMs` of the *send* time of
 *   its last committed leader record, and `leaderLeaseMs` < `takeoverAfterMs`, so even before Kafka
 *   fences it, a leader that stalled stops acting before anyone else can start;
 * - a takeover takes a term above every term seen; Kafka's transactional fencing then makes the
 *   previous leader's next write fail, whatever its clock says;
 * - a replica that took over starts acting only once no other replica can still act
 *   (`mayStartActing`): fencing stops the previous leader's writes at once, but it keeps acting on
 *   its last confirmation until it learns of the fence, which can take long (a slow answer, a slow
 *   consumer), and a follower that was paused or whose consumer lags takes over from a live leader;
 * - a leader that stops gracefully stops acting before it writes its resignation, which lets a
 *   follower take over without waiting.
 *
 * Monotonic clocks may run at 1 ± ε of real time: the waits hold while takeoverAfterMs ≥
 * leaderLeaseMs · (1 + ε) / (1 - ε), which `electionTimings` leaves room for (ε up to 20 %).
 */
export interface ElectionTimings {
  /** How often the leader writes its record. @default 1000 */
  heartbeatMs: number;
  /** How long the leader may act after the send time of its last committed record. */
  leaderLeaseMs: number;
  /** Silence after which a follower tries to take over. */
  takeoverAfterMs: number;
}

/**
 * Timings from the lease settings operators already size for their network. A worker's lease runs
 * out TTL minus its fence margin after the renewal it last got answered, which can be a renew
 * interval before the leader died; the takeover has to leave it time to reach the new leader.
 * So: a heartbeat a sixth of the renew interval (at least 250 ms); a leader acts for a fifth of
 * the TTL (at least four heartbeats, so one slow commit does not stop it); followers wait a tenth
 * of the TTL (at least two heartbeats) longer. With the defaults (TTL 10 s, renew 3 s) a dead
 * leader is replaced 3 s after its last heartbeat, with 3 s to spare for every held lease.
 */
export function electionTimings(lease: { ttlMs: number; renewIntervalMs: number }): ElectionTimings {
  const heartbeatMs = Math.max(250, Math.round(lease.renewIntervalMs / 6));
  const leaderLeaseMs = Math.max(4 * heartbeatMs, Math.round(lease.ttlMs / 5));
  return { heartbeatMs, leaderLeaseMs, takeoverAfterMs: leaderLeaseMs + Math.max(2 * heartbeatMs, Math.round(lease.ttlMs / 10)) };
}

export interface LeadershipView {
  role: 'leader' | 'follower';
  /** Send time of the leader's last committed record (leader only). */
  confirmedAt?: number;
  /** When this replica last received any leader record (its own included). */
  lastLeaderSeenAt?: number;
  /** When this replica started following (its own start, or its last step-down). */
  followingSince: number;
}

/** The leader may grant and write only while its last confirmation is fresh. */
export function mayAct(view: LeadershipView, now: number, timings: ElectionTimings): boolean {
  return view.role === 'leader' && view.confirmedAt !== undefined && now - view.confirmedAt < timings.leaderLeaseMs;
}

/** A leader record as the rules read it (see leader-record.ts). */
export interface LeaderRecordView {
  leaderId: string;
  /** The first record of a leadership: its writer acts on none before a later one of its own. */
  takeover?: boolean;
  /** Its writer stopped acting before it wrote this record. */
  resigned?: boolean;
}

/**
 * When this replica last read a record by which another replica may have confirmed its leadership,
 * after reading `record` at `now`. A takeover record confirms nobody; a resignation means its
 * writer stopped acting, and every leader before it had stopped before that writer acted, so
 * nobody can act on anything read before it.
 */
export function rivalConfirmationSeenAt(previous: number, record: LeaderRecordView, selfId: string, now: number): number {
  if (record.leaderId === selfId) return previous;
  if (record.resigned) return -Infinity;
  if (record.takeover) return previous;
  return now;
}

/**
 * Whether a record is this replica's takeover record read back: its own, of the term it claimed
 * (or later). An older record of its own (an earlier leadership, or its process before a restart)
 * may still be on its way and does not count: reading it proves nothing about what came after it.
 */
export function isOwnTakeoverRecord(record: { leaderId: string; term: number }, selfId: string, claimedTerm: number): boolean {
  return record.leaderId === selfId && record.term >= claimedTerm;
}

export interface TakeoverProgress {
  /** When the takeover's commit returned. */
  tookOverAt: number;
  /** The takeover's own record was read back, so every record committed before it was read too. */
  ownRecordSeen: boolean;
  /** See `rivalConfirmationSeenAt`. */
  rivalConfirmationSeenAt: number;
}

/**
 * A replica that took over starts acting with a committed heartbeat sent at `heartbeatSentAt`, once
 * it read its own takeover record back, a heartbeat after the takeover (a replica that took over at
 * the same moment reads this one's record and steps down), and once a takeover silence passed
 * since it read another replica's last confirmation: that replica acts at most `leaderLeaseMs`
 * after it sent it, and it sent it before this replica read it.
 */
export function mayStartActing(progress: TakeoverProgress, heartbeatSentAt: number, now: number, timings: ElectionTimings): boolean {
  return (
    progress.ownRecordSeen &&
    heartbeatSentAt - progress.tookOverAt >= timings.heartbeatMs &&
    now - progress.rivalConfirmationSeenAt >= timings.takeoverAfterMs
  );
}

/**
 * A follower tries to take over when no leader record arrived for `takeoverAfterMs`. A replica that
 * never read a leader record waits from `followingSince` alone (a caught-up replica of a topic
 * without a live leader: at once), not from the monotonic clock's zero, which is the process start.
 */
export function shouldTakeOver(view: LeadershipView, now: number, timings: ElectionTimings): boolean {
  if (view.role !== 'follower') return false;
  const since = Math.max(view.lastLeaderSeenAt ?? -Infinity, view.followingSince);
  return now - since >= timings.takeoverAfterMs;
}
