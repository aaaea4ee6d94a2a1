import { startClusters } from './cluster-set';

// Requests that cannot be started are refused before anything is fetched or spawned; starting
// real clusters is covered by the integration runs (every integration run starts two through
// startTwoClusters, and the use-case scenarios a third one that they kill and restart).
describe('startClusters refuses a request it cannot start', () => {
  it('without names', async () => {
    await expect(startClusters([])).rejects.toThrow('startClusters needs at least one cluster name');
  });

  it('with a name given twice', async () => {
    await expect(startClusters(['east', 'west', 'east'])).rejects.toThrow("cluster name 'east' is given twice");
  });

  it('with explicit ports missing for a name', async () => {
    const ports = { east: { plaintext: 1, sasl: 2, controller: 3 } } as unknown as Record<'east' | 'west', { plaintext: number; sasl: number; controller: number }>;
    await expect(startClusters(['east', 'west'], { ports })).rejects.toThrow('no ports given for cluster(s) west');
  });
});
