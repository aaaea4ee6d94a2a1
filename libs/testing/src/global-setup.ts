/**
 * Jest globalSetup: starts the source and target clusters once per jest run (free loopback ports,
 * under .cache/kafka/test-runs/<run>/), writes their connection info to <run>/clusters.json and
 * exports its path as MM_TEST_CLUSTERS for the test workers.
 *
 * If MM_TEST_CLUSTERS is already set (clusters started outside jest, e.g. `npm run kafka -- up`),
 * those are used as they are and left running.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isClusterProcess, listClusterDirs, readClusterState } from './kafka-cluster';
import { brokerAnswers } from './kafka-protocol';
import { testRunsRoot } from './paths';
import { buildTestClustersInfo, TEST_CLUSTERS_ENV, testClusters, writeTestClustersFile } from './test-clusters';
import { startTwoClusters, type TwoClusters } from './two-clusters';

/** Shared with global-teardown (jest runs both in the same process). */
export const OWNED_CLUSTERS_KEY = Symbol.for('mirrormaker.testing.ownedClusters');

export interface OwnedClusters {
  clusters: TwoClusters;
  runDir: string;
}

const KEEP_RUNS = 5;

function say(message: string): void {
  process.stderr.write(`[kafka] ${message}\n`);
}

function parseHostPort(bootstrap: string): [string, number] {
  const i = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, i), Number(bootstrap.slice(i + 1))];
}

async function checkExternalClusters(): Promise<void> {
  const info = testClusters();
  for (const c of [info.source, info.target]) {
    for (const bootstrap of [c.bootstrap, c.saslBootstrap]) {
      const [host, port] = parseHostPort(bootstrap);
      if (!(await brokerAnswers(host, port, 3000))) {
        throw new Error(
          `${TEST_CLUSTERS_ENV}=${process.env[TEST_CLUSTERS_ENV]} names cluster '${c.name}' at ${bootstrap}, but nothing answers there. ` +
            `Start the clusters (\`npm run kafka -- up\`) or unset ${TEST_CLUSTERS_ENV} to let jest start its own.`,
        );
      }
    }
  }
  say(`using the clusters in ${process.env[TEST_CLUSTERS_ENV]} (source ${info.source.bootstrap}, target ${info.target.bootstrap})`);
}

/**
 * Keeps the logs of the last few runs, for looking into failures. Never touches a recent run or
 * one whose brokers still live (another jest run going on in parallel).
 */
function pruneOldRuns(root: string): void {
  if (!existsSync(root)) return;
  const runs = readdirSync(root).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - (KEEP_RUNS - 1)))) {
    const dir = join(root, old);
    if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue; // may be starting right now
    const live = listClusterDirs(dir).some((d) => {
      const state = readClusterState(d);
      return state !== undefined && isClusterProcess(state);
    });
    if (!live) rmSync(dir, { recursive: true, force: true });
  }
}

export default async function globalSetup(): Promise<void> {
  // Fetch answers given back for reuse are overwritten, in the test workers and the services they
  // start: a batch still read after its answer was released then fails a byte comparison.
  process.env['MIRRORMAKER_POISON_RELEASED_BUFFERS'] = '1';
  if (process.env[TEST_CLUSTERS_ENV]) {
    await checkExternalClusters();
    return;
  }
  const root = testRunsRoot();
  pruneOldRuns(root);
  const runDir = join(root, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const started = Date.now();
  say('starting the source and target Kafka clusters ...');
  const clusters = await startTwoClusters({ baseDir: runDir, ports: 'free', detached: false, log: say });
  const file = join(runDir, 'clusters.json');
  writeTestClustersFile(file, buildTestClustersInfo(clusters.source, clusters.target, 'jest'));
  process.env[TEST_CLUSTERS_ENV] = file;
  const owned: OwnedClusters = { clusters, runDir };
  (globalThis as Record<symbol, unknown>)[OWNED_CLUSTERS_KEY] = owned;
  say(
    `clusters ready in ${((Date.now() - started) / 1000).toFixed(1)} s: source ${clusters.source.bootstrap}, ` +
      `target ${clusters.target.bootstrap} (${file})`,
  );
}
