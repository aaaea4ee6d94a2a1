import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIRRORMAKER_VERSION } from './version';

it('reports the version of the root package.json', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
  expect(MIRRORMAKER_VERSION).toBe(pkg.version);
});
