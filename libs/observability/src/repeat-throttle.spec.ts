import { RepeatThrottle } from './repeat-throttle';

describe('RepeatThrottle', () => {
  it('admits the first occurrence of each key, then one per interval carrying the count held back', () => {
    let now = 0;
    const throttle = new RepeatThrottle(10_000, () => now);
    expect(throttle.admit('a')).toEqual({ occurrences: 1 });
    expect(throttle.admit('b')).toEqual({ occurrences: 1 });
    now = 9_999;
    expect(throttle.admit('a')).toBeUndefined();
    expect(throttle.admit('a')).toBeUndefined();
    now = 10_000;
    expect(throttle.admit('a')).toEqual({ occurrences: 3, sinceMs: 10_000 });
    now = 50_000;
    expect(throttle.admit('a')).toEqual({ occurrences: 1, sinceMs: 40_000 });
  });
});
