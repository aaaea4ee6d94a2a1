import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the first value the probe gives, after earlier misses', async () => {
    let calls = 0;
    const value = await eventually('the third call', () => (++calls >= 3 ? `call ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('call 3');
  });

  it('treats false as not yet, and true as done', async () => {
    let calls = 0;
    await expect(eventually('two calls', () => ++calls === 2, { intervalMs: 1 })).resolves.toBe(true);
  });

  it('fails naming what it waited for and the last error the probe threw', async () => {
    await expect(
      eventually(
        'a broker',
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/waiting for a broker \(last error: connection refused\)/);
  });
});
