/**
 * The ledger of a coordinator failover run: who led, and who held which unit, when. Built from
 * the JSON log lines of the processes (pino, `time` in ISO) and the moments the harness killed,
 * paused and resumed coordinator replicas. Then: were there ever two leaders, or two holders of
 * one unit, at the same moment? Pure; unit tested.
 *
 * Leading: from "this coordinator replica leads" to "this coordinator replica no longer leads",
 * the replica's kill, or the end of the run. A paused (SIGSTOP) process cannot act, so its
 * interval ends at the pause. After SIGCONT it cannot act either until it has committed a leader
 * record again (which fails when another replica took over meanwhile): when another replica led
 * during the pause, the resumed one does not lead again until its next "leads" line; otherwise
 * it leads on from the SIGCONT.
 *
 * Holding: from a worker's "unit granted" (or a unit's "... starting"/"... started" line, as when
 * a config revision restarts it under the same lease) to that unit's "... stopped" line in the
 * same process (the work really ended), its "unit failed to start" line, or the process's end.
 */

export const LEADS_MSG = 'this coordinator replica leads';
export const NO_LONGER_LEADS_MSG = 'this coordinator replica no longer leads';
export const UNIT_GRANTED_MSG = 'unit granted';
export const UNIT_FAILED_TO_START_MSG = 'unit failed to start; releasing it';

/** One parsed log line. */
export interface LogEvent {
  /** Epoch ms. */
  at: number;
  msg: string;
  unit?: string;
  epoch?: string;
  term?: number;
}

/** Parses the JSON lines of one process's log (other lines are skipped). */
export function parseLogLines(text: string): LogEvent[] {
  const events: LogEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const at = typeof o['time'] === 'string' ? Date.parse(o['time']) : typeof o['time'] === 'number' ? o['time'] : NaN;
    if (!Number.isFinite(at) || typeof o['msg'] !== 'string') continue;
    const e: LogEvent = { at, msg: o['msg'] };
    if (typeof o['unit'] === 'string') e.unit = o['unit'];
    if (typeof o['epoch'] === 'string') e.epoch = o['epoch'];
    if (typeof o['term'] === 'number') e.term = o['term'];
    events.push(e);
  }
  return events;
}

/** What the harness did to a coordinator replica. */
export interface ProcessAction {
  replica: string;
  kind: 'kill' | 'stop' | 'cont' | 'start';
  at: number;
}

export interface Interval {
  /** Replica id, or the worker's instance id. */
  owner: string;
  /** The unit (holder intervals), or 'leader'. */
  subject: string;
  from: number;
  /** Epoch ms; Infinity: still open at the end of the run. */
  to: number;
  /** How the interval ended. */
  endedBy: string;
}

/** Leadership intervals of every replica (log events per replica, harness actions on them). */
export function leaderIntervals(logs: ReadonlyMap<string, readonly LogEvent[]>, actions: readonly ProcessAction[], endAt: number): Interval[] {
  const out: Interval[] = [];
  const leadsAt = [...logs].flatMap(([replica, events]) => events.filter((e) => e.msg === LEADS_MSG).map((e) => ({ replica, at: e.at })));
  for (const [replica, events] of logs) {
    type Step = { at: number; kind: 'leads' | 'lost' | ProcessAction['kind'] };
    const steps: Step[] = [
      ...events.filter((e) => e.msg === LEADS_MSG || e.msg === NO_LONGER_LEADS_MSG).map((e): Step => ({ at: e.at, kind: e.msg === LEADS_MSG ? 'leads' : 'lost' })),
      ...actions.filter((a) => a.replica === replica).map((a): Step => ({ at: a.at, kind: a.kind })),
    ].sort((x, y) => x.at - y.at);
    let open: number | undefined;
    let pausedAt: number | undefined;
    // Led when paused: it may lead on after the SIGCONT if nobody else led meanwhile.
    let ledWhenPaused = false;
    const close = (at: number, endedBy: string) => {
      if (open !== undefined) out.push({ owner: replica, subject: 'leader', from: open, to: at, endedBy });
      open = undefined;
    };
    for (const s of steps) {
      if (s.kind === 'leads') {
        close(s.at, 'led again');
        open = s.at;
      } else if (s.kind === 'lost') {
        close(s.at, 'no longer leads');
        ledWhenPaused = false;
      } else if (s.kind === 'kill' || s.kind === 'start') {
        close(s.at, 'killed');
        ledWhenPaused = false;
        pausedAt = undefined;
      } else if (s.kind === 'stop') {
        ledWhenPaused = open !== undefined;
        pausedAt = s.at;
        close(s.at, 'paused');
      } else if (s.kind === 'cont') {
        const from = pausedAt ?? s.at;
        const othersLed = leadsAt.some((l) => l.replica !== replica && l.at >= from && l.at <= s.at);
        if (ledWhenPaused && !othersLed) open = s.at;
        ledWhenPaused = false;
        pausedAt = undefined;
      }
    }
    close(endAt, 'end of run');
  }
  return out;
}

/** Unit holding intervals of one worker process from its log; open ones end at `endAt` (its exit). */
export function holderIntervals(owner: string, events: readonly LogEvent[], endAt: number): Interval[] {
  const out: Interval[] = [];
  const open = new Map<string, number>();
  for (const e of [...events].sort((x, y) => x.at - y.at)) {
    if (!e.unit) continue;
    if (e.msg === UNIT_GRANTED_MSG || / start(ed|ing)$/.test(e.msg)) {
      if (!open.has(e.unit)) open.set(e.unit, e.at);
      continue;
    }
    const ended = e.msg === UNIT_FAILED_TO_START_MSG || / stopped$/.test(e.msg);
    const from = open.get(e.unit);
    if (ended && from !== undefined) {
      out.push({ owner, subject: e.unit, from, to: e.at, endedBy: e.msg });
      open.delete(e.unit);
    }
  }
  for (const [unit, from] of open) out.push({ owner, subject: unit, from, to: endAt, endedBy: 'end of process' });
  return out;
}

/** Two owners of one subject at the same time. */
export interface Overlap {
  subject: string;
  a: Interval;
  b: Interval;
  /** Epoch ms of the overlap's start, and its length. */
  at: number;
  ms: number;
}

/** Every pair of intervals of the same subject with different owners that overlap (touching is not overlapping). */
export function overlaps(intervals: readonly Interval[]): Overlap[] {
  const bySubject = new Map<string, Interval[]>();
  for (const i of intervals) bySubject.set(i.subject, [...(bySubject.get(i.subject) ?? []), i]);
  const found: Overlap[] = [];
  for (const [subject, list] of bySubject) {
    const sorted = [...list].sort((x, y) => x.from - y.from);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const a = sorted[i] as Interval;
        const b = sorted[j] as Interval;
        if (b.from >= a.to) continue;
        if (a.owner === b.owner) continue;
        const to = Math.min(a.to, b.to);
        found.push({ subject, a, b, at: b.from, ms: to - b.from });
      }
    }
  }
  return found.sort((x, y) => x.at - y.at);
}
