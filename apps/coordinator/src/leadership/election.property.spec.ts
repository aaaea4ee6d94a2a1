import { SeededRandom } from '@mirrormaker/lease/testing';
import { ElectionSimulation } from '../testing/election-simulation';
import { electionTimings, type ElectionTimings } from './election-rules';

/** Lease settings the timings are derived from: the defaults, fast, slow and in between. */
const LEASE_SETTINGS = [
  { ttlMs: 10_000, renewIntervalMs: 3000 },
  { ttlMs: 4000, renewIntervalMs: 500 },
  { ttlMs: 2000, renewIntervalMs: 300 },
  { ttlMs: 6000, renewIntervalMs: 2000 },
  { ttlMs: 30_000, renewIntervalMs: 10_000 },
];

/** Monotonic clocks run at 1 ± 1% of real time: twenty times what NTP lets a clock slew (500 ppm). */
const DRIFT = 0.01;
/** Calm network: a record reaches every consumer within 100 ms, a request or answer takes up to 20 ms. */
const CALM_DELIVERY_MS = 100;
const CALM_REQUEST_MS = 20;
const SEEDS = 150;
/** Time for what chaos left in flight to land (a slow delivery takes up to 5 s, a lost answer 10 s more). */
const DRAIN_MS = 20_000;

/**
 * Longest a calm cluster goes without an acting leader once its last leader died: every follower
 * read that leader's last record within one delivery; the first takes over a takeover silence
 * later (plus a timer tick), which takes a registration and a commit; it acts with the second
 * heartbeat after that at the latest (the first may come less than a heartbeat after the commit
 * returned), each heartbeat period stretched by a tick and by the member write of its round, and
 * that heartbeat's commit. Clock rates stretch all of it.
 */
function leaderlessBound(t: ElectionTimings): number {
  const tick = Math.max(50, t.heartbeatMs / 4);
  const roundTrip = 2 * CALM_REQUEST_MS;
  const heartbeatPeriod = t.heartbeatMs + tick + 2 * roundTrip;
  return CALM_DELIVERY_MS + (t.takeoverAfterMs + tick + 2 * heartbeatPeriod) / (1 - DRIFT) + 4 * roundTrip;
}

/** One random disturbance of the chaos phase. */
function disturb(sim: ElectionSimulation, rnd: SeededRandom, t: ElectionTimings, ttlMs: number): void {
  const running = sim.live().filter((r) => r.state === 'running' && !r.stopped);
  const anyRunning = running.length > 0;
  const roll = rnd.next();
  if (roll < 0.08 && anyRunning) {
    // Paused like SIGSTOP: mostly briefly, sometimes for longer than a takeover or a whole TTL.
    const span = rnd.chance(0.6) ? rnd.int(10, t.leaderLeaseMs) : rnd.int(t.leaderLeaseMs, 3 * ttlMs);
    sim.pause(rnd.pick(running), span);
  } else if (roll < 0.11 && anyRunning) {
    const victim = rnd.pick(running);
    sim.kill(victim);
    scheduleRestart(sim, rnd, victim.id, ttlMs);
  } else if (roll < 0.13 && anyRunning) {
    const victim = rnd.pick(running);
    sim.stopGracefully(victim);
    scheduleRestart(sim, rnd, victim.id, ttlMs);
  } else if (roll < 0.25) {
    const leaders = running.filter((r) => r.view.role === 'leader');
    if (leaders.length > 0) sim.writeConfig(rnd.pick(leaders));
  } else if (roll < 0.3) {
    sim.driftClocks();
  }
}

function scheduleRestart(sim: ElectionSimulation, rnd: SeededRandom, id: string, ttlMs: number): void {
  sim.sched.at(sim.now + rnd.int(0, 2 * ttlMs) + 2500, () => sim.restart(id));
}

describe('coordinator election (simulated replicas, Kafka and clocks)', () => {
  it('never lets two replicas act at once nor a write commit after another replica began acting, and elects a leader within a bound once calm', () => {
    const totals = { takeovers: 0, announcements: 0, stepDowns: 0, fencedCommits: 0, configWrites: 0, pauses: 0, kills: 0, stops: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const rnd = new SeededRandom(seed);
      const lease = rnd.pick(LEASE_SETTINGS);
      const t = electionTimings(lease);
      const replicas = rnd.int(2, 5);
      // Wall clocks are read only by a restarted replica (is the last leader record stale?).
      const wallSkewMs = rnd.chance(0.2) ? 10_000 : 500;
      const label = `seed ${seed} (${replicas} replicas, TTL ${lease.ttlMs} ms, renew ${lease.renewIntervalMs} ms, wall skew ±${wallSkewMs} ms)`;
      const sim = new ElectionSimulation({ rnd, timings: t, replicas, drift: DRIFT, wallSkewMs, label });

      // Chaos: the invariants are checked after every event.
      const chaosEnd = 20 * t.takeoverAfterMs;
      while (sim.now < chaosEnd) {
        sim.runUntil(sim.now + rnd.int(1, 2 * t.heartbeatMs));
        disturb(sim, rnd, t, lease.ttlMs);
      }

      // Calm: every process runs again, the network is quick and loses nothing, and what chaos left
      // in flight lands. Then a leader acts (a replica restarted last may still have to catch up).
      sim.calm = true;
      for (const id of sim.replicas.keys()) sim.restart(id);
      while (sim.live().some((r) => r.state === 'paused')) sim.runUntil(sim.now + t.heartbeatMs);
      sim.runUntil(sim.now + DRAIN_MS);
      for (const id of sim.replicas.keys()) sim.restart(id); // those that were still stopping
      const bound = leaderlessBound(t);
      const catchUp = 4 * CALM_REQUEST_MS + CALM_DELIVERY_MS + Math.max(50, t.heartbeatMs / 4);
      let leader = runUntilLeader(sim, sim.now + catchUp + bound) ?? sim.fail(`no replica acts ${catchUp + bound} ms after the cluster became calm`);

      // The leader dies, again and again: each time another replica acts within the bound, and keeps
      // acting while nothing disturbs it (the dead one is back meanwhile).
      for (let round = 0; round < 3; round++) {
        const killed = leader;
        const killedAt = sim.now;
        sim.kill(killed);
        leader = runUntilLeader(sim, killedAt + bound) ?? sim.fail(`no replica acts ${bound} ms after the leader ${killed.id} died`);
        sim.restart(killed.id);
        sim.runUntil(sim.now + catchUp + rnd.int(0, 2 * t.takeoverAfterMs));
        if (!sim.acts(leader)) sim.fail(`${leader.id} stopped acting in a calm cluster`);
      }
      for (const [kind, count] of Object.entries(sim.stats)) totals[kind as keyof typeof totals] += count;
    }
    // Every kind of event happened more often than once per seed, or the run proved little.
    expect(Object.entries(totals).filter(([, count]) => count <= SEEDS)).toEqual([]);
  });
});

function runUntilLeader(sim: ElectionSimulation, deadline: number) {
  while (sim.now < deadline) {
    const acting = sim.live().find((r) => sim.acts(r));
    if (acting) return acting;
    sim.runUntil(Math.min(deadline, sim.now + 10));
  }
  return sim.live().find((r) => sim.acts(r));
}
