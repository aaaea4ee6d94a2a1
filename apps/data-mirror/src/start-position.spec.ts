import { offsetResetOf, startPosition } from './start-position';

describe('startPosition', () => {
  const log = { earliest: 10n, latest: 100n };

  it('resumes right after the stored position', () => {
    expect(startPosition(41n, 'earliest', log)).toEqual({ offset: 42n, reason: 'stored' });
    expect(startPosition(99n, 'earliest', log)).toEqual({ offset: 100n, reason: 'stored' });
    expect(startPosition(9n, 'latest', log)).toEqual({ offset: 10n, reason: 'stored' });
  });

  it('uses the reset policy without a stored position, and for a negative one (MM2 reads -1 as none)', () => {
    expect(startPosition(undefined, 'earliest', log)).toEqual({ offset: 10n, reason: 'reset-no-position' });
    expect(startPosition(undefined, 'latest', log)).toEqual({ offset: 100n, reason: 'reset-no-position' });
    expect(startPosition(-1n, 'earliest', log)).toEqual({ offset: 10n, reason: 'reset-no-position' });
  });

  it('uses the reset policy below the log start, counting the offsets deleted before they were copied', () => {
    expect(startPosition(3n, 'earliest', log)).toEqual({ offset: 10n, reason: 'reset-before-log-start', lost: 6n });
    expect(startPosition(3n, 'latest', log)).toEqual({ offset: 100n, reason: 'reset-before-log-start', lost: 6n });
  });

  it('keeps a position past the listed end: the fetch tells whether the records are gone', () => {
    expect(startPosition(500n, 'earliest', log)).toEqual({ offset: 501n, reason: 'stored-past-log-end' });
  });

  it('reads auto.offset.reset, defaulting to earliest', () => {
    expect(offsetResetOf(undefined)).toEqual({ reset: 'earliest' });
    expect(offsetResetOf(' Latest ')).toEqual({ reset: 'latest' });
    expect(offsetResetOf('none').reset).toBe('earliest');
    expect(offsetResetOf('none').warning).toContain('not supported');
  });
});
