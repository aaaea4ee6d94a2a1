import { isOffsetTranslationError } from './errors';
import { reReadEstimate } from './re-read-estimate';

describe('reReadEstimate', () => {
  const sync = { upstreamOffset: 100n };

  it('is zero at the sync and just after it', () => {
    expect(reReadEstimate(100n, sync)).toBe(0n);
    expect(reReadEstimate(101n, sync)).toBe(0n);
  });

  it('counts the source offsets between the sync and the committed offset', () => {
    expect(reReadEstimate(150n, sync)).toBe(49n);
  });

  it('refuses a sync after the committed offset', () => {
    try {
      reReadEstimate(99n, sync);
      throw new Error('expected an error');
    } catch (err) {
      expect(isOffsetTranslationError(err) && err.code).toBe('SYNC_AFTER_OFFSET');
    }
  });
});
