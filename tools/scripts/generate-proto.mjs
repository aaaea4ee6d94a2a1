// Generates the TypeScript gRPC code and the descriptor set (for server reflection) from proto/.
// Skips the work when the generated files are newer than every input, so repeated builds are free.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'libs/proto/src/gen');
const descriptor = join(out, 'descriptor.binpb');

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const inputs = ['proto', 'buf.yaml', 'buf.gen.yaml', 'tools/scripts/generate-proto.mjs'].map((p) => join(root, p));
if (existsSync(descriptor) && statSync(descriptor).mtimeMs >= Math.max(...inputs.map(newestMtime))) {
  console.log('proto: generated code is up to date');
  process.exit(0);
}
const buf = join(root, 'node_modules/.bin/buf');
execFileSync(buf, ['generate'], { cwd: root, stdio: 'inherit' });
execFileSync(buf, ['build', '-o', descriptor, '--as-file-descriptor-set'], { cwd: root, stdio: 'inherit' });
console.log('proto: generated libs/proto/src/gen');
