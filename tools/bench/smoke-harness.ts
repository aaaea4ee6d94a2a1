/**
 * The bench as the smoke tests (`*.int.spec.ts` here) run it: in-process, against the test
 * clusters, with its log kept in memory and printed only when the test did not pass.
 */
import { rmSync } from 'node:fs';
import { testClusters } from '@mirrormaker/testing';
import { runBench } from './bench';
import { cleanupEverything } from './processes';
import type { BenchResult } from './report';
import { parseBenchArgs } from './run';

export class BenchSmoke {
  private readonly lines: string[] = [];
  private workDir: string | undefined;
  private passed = false;

  /** `npm run bench -- <args> --source <test source> --target <test target>`. */
  async run(args: readonly string[]): Promise<BenchResult> {
    const { source, target } = testClusters();
    const options = parseBenchArgs([...args, '--source', source.bootstrap, '--target', target.bootstrap], (m) => this.lines.push(m));
    this.workDir = options.workDir;
    return runBench(options);
  }

  /** The test passed: the run's logs are not needed. */
  pass(): void {
    this.passed = true;
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  /** For afterAll: stops whatever the bench left running; on failure its log says where it stopped. */
  async finish(): Promise<void> {
    await cleanupEverything();
    if (!this.passed) process.stdout.write(this.lines.join('\n') + '\n');
  }
}
