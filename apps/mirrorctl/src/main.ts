// The mirrorctl command (npx mirrorctl ...): runs one command and exits with its code.
import { mirrorctl } from './mirrorctl';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

mirrorctl(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: stop.signal }).then((code) => {
  process.exitCode = code;
});
