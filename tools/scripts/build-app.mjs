// Bundles one app into dist/apps/<name>/main.js (workspace libs inlined, npm packages left external)
// and puts the descriptor set for gRPC reflection beside it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const name = process.argv[2];
if (!name) {
  console.error('usage: build-app.mjs <app-name>');
  process.exit(2);
}
const root = new URL('../..', import.meta.url).pathname;
const outdir = join(root, 'dist/apps', name);
await build({
  entryPoints: [join(root, 'apps', name, 'src/main.ts')],
  outfile: join(outdir, 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
});
mkdirSync(join(outdir, 'gen'), { recursive: true });
copyFileSync(join(root, 'libs/proto/src/gen/descriptor.binpb'), join(outdir, 'gen/descriptor.binpb'));
console.log(`built dist/apps/${name}/main.js`);
