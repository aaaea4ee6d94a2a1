import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The Apache Kafka release the local clusters run. */
export const KAFKA_VERSION = '4.3.1';

const POM_RELATIVE = join('tools', 'kafka', 'pom.xml');

/**
 * The repository root: the nearest directory above the working directory (or above this file)
 * that contains tools/kafka/pom.xml. Undefined when the library runs outside the repository.
 */
export function findRepoRoot(): string | undefined {
  for (const start of [process.cwd(), __dirname]) {
    let dir = resolve(start);
    for (;;) {
      if (existsSync(join(dir, POM_RELATIVE))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** Root of everything cached for Kafka: jars, class-data archives, cluster data. Env: MM_KAFKA_CACHE. */
export function kafkaCacheRoot(): string {
  const fromEnv = process.env.MM_KAFKA_CACHE;
  if (fromEnv) return resolve(fromEnv);
  const root = findRepoRoot();
  return root ? join(root, '.cache', 'kafka') : join(homedir(), '.cache', 'mirrormaker', 'kafka');
}

/** The Maven project that lists the Kafka jars. Env: MM_KAFKA_POM. */
export function kafkaPomFile(): string {
  const fromEnv = process.env.MM_KAFKA_POM;
  if (fromEnv) return resolve(fromEnv);
  const root = findRepoRoot();
  if (!root) {
    throw new Error(
      `cannot find ${POM_RELATIVE} above ${process.cwd()}: run from inside the mirrormaker repository or set MM_KAFKA_POM`,
    );
  }
  return join(root, POM_RELATIVE);
}

/** Where clusters started by the CLI keep their data, logs and state files. Env: MM_KAFKA_DATA. */
export function defaultDataRoot(): string {
  const fromEnv = process.env.MM_KAFKA_DATA;
  return fromEnv ? resolve(fromEnv) : join(kafkaCacheRoot(), 'clusters');
}

/** Where the jest global setup puts the clusters of each test run. */
export function testRunsRoot(): string {
  return join(kafkaCacheRoot(), 'test-runs');
}
