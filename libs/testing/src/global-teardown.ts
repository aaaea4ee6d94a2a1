/**
 * Jest globalTeardown: stops the clusters that global-setup started (jest calls it whether or not
 * tests failed). Clusters that were only reused via MM_TEST_CLUSTERS are left alone. Broker logs
 * stay in the run directory; the data directories go.
 */
import { rmSync } from 'node:fs';
import { OWNED_CLUSTERS_KEY, type OwnedClusters } from './global-setup';
import { TEST_CLUSTERS_ENV } from './test-clusters';

export default async function globalTeardown(): Promise<void> {
  const store = globalThis as Record<symbol, unknown>;
  const owned = store[OWNED_CLUSTERS_KEY] as OwnedClusters | undefined;
  if (!owned) return;
  delete store[OWNED_CLUSTERS_KEY];
  try {
    await owned.clusters.stopAll();
  } finally {
    delete process.env[TEST_CLUSTERS_ENV];
    for (const c of [owned.clusters.source, owned.clusters.target]) rmSync(c.dataDir, { recursive: true, force: true });
  }
}
