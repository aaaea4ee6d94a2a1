import { balanceTargets, type BalanceCandidate } from './balance-targets';

const c = (id: string, current = 0, weight = 1, capacity = Infinity): BalanceCandidate => ({ id, weight, capacity, current });

describe('balanceTargets', () => {
  it('splits evenly and gives the remainder to those already holding more', () => {
    const targets = balanceTargets([c('a', 0), c('b', 5), c('c', 5)], 10);
    expect(Object.fromEntries(targets)).toEqual({ a: 3, b: 4, c: 3 });
    expect(Object.fromEntries(balanceTargets([c('a', 9), c('b', 0), c('c', 1)], 10))).toEqual({ a: 4, b: 3, c: 3 });
  });

  it('follows weights', () => {
    expect(Object.fromEntries(balanceTargets([c('a', 0, 1), c('b', 0, 3)], 100))).toEqual({ a: 25, b: 75 });
    expect(Object.fromEntries(balanceTargets([c('a', 0, 2), c('b', 0, 1), c('c', 0, 1)], 10))).toEqual({ a: 5, b: 3, c: 2 });
  });

  it('respects capacity and hands the rest to the others', () => {
    expect(Object.fromEntries(balanceTargets([c('a', 0, 1, 2), c('b'), c('c')], 10))).toEqual({ a: 2, b: 4, c: 4 });
    expect(Object.fromEntries(balanceTargets([c('a', 0, 1, 1), c('b', 0, 1, 0)], 10))).toEqual({ a: 1, b: 0 });
  });

  it('handles no units and no candidates', () => {
    expect(Object.fromEntries(balanceTargets([c('a')], 0))).toEqual({ a: 0 });
    expect(balanceTargets([], 5).size).toBe(0);
  });
});
