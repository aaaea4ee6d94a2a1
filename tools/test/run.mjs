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

const resultsFile = join(root, 'tmp/jest-results.json');
mkdirSync(join(root, 'tmp'), { recursive: true });
rmSync(resultsFile, { force: true });
const tests = run('tests', bin('jest'), ['--ci', '--maxWorkers=2', '--coverage', '--json', `--outputFile=${resultsFile}`]);

let passed = 0;
let failed = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
}
if (checks !== 0) console.log('\nlint/typecheck/generate failed: see the nx output above');
if (tests !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(checks === 0 && tests === 0 ? 0 : 1);
