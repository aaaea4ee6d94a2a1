// The one test command (`npm test`): generated code, lint and type checks through nx, then every
// jest test — unit tests and integration tests against two real Kafka clusters that jest's global
// setup starts once and stops afterwards. Ends with a plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_ISOLATE_PLUGINS: 'false', NX_TUI: 'false' };
const bin = (name) => join(root, 'node_modules/.bin', name);

function run(title, cmd, args) {
  console.log(`\n=== ${title}: ${[cmd.replace(`${root}/`, ''), ...args].join(' ')}`);
  const res = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  return res.status ?? 1;
}

const checks = run('checks', bin('nx'), ['run-many', '-t', 'generate', 'lint', 'typecheck', '--outputStyle=static', ...process.argv.slice(2)]);

const countsFile = join(root, 'tmp/jest-counts.json');
mkdirSync(join(root, 'tmp'), { recursive: true });
rmSync(countsFile, { force: true });
env.MM_TEST_COUNTS = countsFile;
const tests = run('tests', bin('jest'), ['--ci', '--maxWorkers=2', '--coverage', '--reporters=default', `--reporters=${join(root, 'tools/test/count-reporter.cjs')}`]);

let passed = 0;
let failed = 0;
if (existsSync(countsFile)) {
  const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  passed = counts.passed;
  failed = counts.failed + counts.suitesFailedToRun;
}
if (checks !== 0) console.log('\nlint/typecheck/generate failed: see the nx output above');
if (tests !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(checks === 0 && tests === 0 ? 0 : 1);
