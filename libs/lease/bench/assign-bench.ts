// Micro-benchmark of the assignment round: `npx tsx libs/lease/bench/assign-bench.ts`.
// 10 000 partition units over 10 data-mirror instances, from scratch, then one instance joins.
import {
  assign,
  createLeaseTable,
  registerInstance,
  release,
  renew,
  setUnits,
  unitId,
  type LeaseTable,
} from '../src/index';

const TIMINGS = { ttlMs: 10_000, graceMs: 2_000 };
const NOW = 60_000; // well after the start-up quiet period of a table started at 0
const TOPICS = 100;
const PARTITIONS = 100;
const INSTANCES = 10;
const RUNS = 7;

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function fmt(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

const units: string[] = [];
for (let t = 0; t < TOPICS; t++) {
  for (let p = 0; p < PARTITIONS; p++) units.push(unitId({ kind: 'partition', flow: 'A->B', topic: `topic-${t}`, partition: p }));
}

function scratchTable(): LeaseTable {
  let table = setUnits(createLeaseTable({ startedAt: 0 }), units);
  for (let i = 0; i < INSTANCES; i++) table = registerInstance(table, { id: `mirror-${i}`, serviceKind: 'data-mirror' }, NOW);
  return table;
}

const scratch: number[] = [];
const joins: number[] = [];
const handovers: number[] = [];
const steady: number[] = [];
const renewals: number[] = [];
let revoked = 0;
let granted = 0;
for (let run = 0; run < RUNS; run++) {
  const fresh = scratchTable();
  const first = time(() => assign(fresh, NOW, TIMINGS));
  scratch.push(first.ms);
  if (first.value.grants.length !== units.length) throw new Error('not every unit was granted');

  const idle = time(() => assign(first.value.nextState, NOW + 1, TIMINGS));
  steady.push(idle.ms);

  const renewal = time(() => renew(first.value.nextState, 'mirror-0', NOW + 1, TIMINGS.ttlMs));
  renewals.push(renewal.ms);

  const withNewcomer = registerInstance(first.value.nextState, { id: 'mirror-new', serviceKind: 'data-mirror' }, NOW + 1);
  const join = time(() => assign(withNewcomer, NOW + 1, TIMINGS));
  joins.push(join.ms);
  revoked = join.value.revocations.length;

  let released = join.value.nextState;
  for (const r of join.value.revocations) released = release(released, r.unitId, r.holder, r.epoch).nextState;
  const handover = time(() => assign(released, NOW + 2, TIMINGS));
  handovers.push(handover.ms);
  granted = handover.value.grants.length;
}

console.log(`assign benchmark: ${units.length} partition units, ${INSTANCES} instances, median of ${RUNS} runs (first run in brackets)`);
console.log(`  from scratch (grants ${units.length}):          ${fmt(median(scratch))} [${fmt(scratch[0])}]`);
console.log(`  steady round (nothing to do):        ${fmt(median(steady))} [${fmt(steady[0])}]`);
console.log(`  one instance joins (revokes ${revoked}):     ${fmt(median(joins))} [${fmt(joins[0])}]`);
console.log(`  hand-over after release (grants ${granted}): ${fmt(median(handovers))} [${fmt(handovers[0])}]`);
console.log(`  renew of one instance (${units.length / INSTANCES} leases):   ${fmt(median(renewals))} [${fmt(renewals[0])}]`);
