import type { InstanceId } from './lease-table';

export interface BalanceCandidate {
  readonly id: InstanceId;
  /** Relative share (> 0). */
  readonly weight: number;
  /** Most units it may take; Infinity when unlimited. */
  readonly capacity: number;
  /** Units it holds now; breaks ties so that balance moves as little as possible. */
  readonly current: number;
}

/**
 * How many of `total` units each candidate should hold.
 *
 * Units are dealt one at a time to the candidate with the smallest (2·target + 1) / weight (the
 * Sainte-Laguë divisor rule), skipping candidates at capacity. With equal weights this gives
 * max - min <= 1; otherwise targets follow the weights as closely as whole units allow, without
 * favouring big or small weights. Dealing one more unit never lowers anyone's target, so growth
 * in units never causes extra moves.
 * Among equal claims the candidate already holding more wins, so the "+1" remainders land where
 * the units already are and a join or leave moves only what it must. O(total · log candidates).
 */
export function balanceTargets(candidates: readonly BalanceCandidate[], total: number): Map<InstanceId, number> {
  const targets = new Map<InstanceId, number>();
  const heap = new MinHeap<{ candidate: BalanceCandidate; target: number }>((a, b) => {
    // (2·a.target + 1) / a.weight vs (2·b.target + 1) / b.weight, without dividing
    const claim = (2 * a.target + 1) * b.candidate.weight - (2 * b.target + 1) * a.candidate.weight;
    if (claim !== 0) return claim;
    if (a.candidate.current !== b.candidate.current) return b.candidate.current - a.candidate.current;
    return a.candidate.id < b.candidate.id ? -1 : a.candidate.id > b.candidate.id ? 1 : 0;
  });
  for (const candidate of candidates) {
    targets.set(candidate.id, 0);
    if (candidate.capacity > 0) heap.push({ candidate, target: 0 });
  }
  for (let dealt = 0; dealt < total && heap.size > 0; dealt++) {
    const entry = heap.pop();
    entry.target++;
    targets.set(entry.candidate.id, entry.target);
    if (entry.target < entry.candidate.capacity) heap.push(entry);
  }
  return targets;
}

/** Binary min-heap ordered by `compare`. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  /** Removes the smallest item; the heap must not be empty. */
  pop(): T {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.compare(items[left], items[smallest]) < 0) smallest = left;
        if (right < items.length && this.compare(items[right], items[smallest]) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}
