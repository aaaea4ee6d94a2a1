import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { YOUNG_GENERATION_CAP_BYTES, youngGenerationPolicy } from './young-generation';

const run = promisify(execFile);
const MiB = 1024 * 1024;

/**
 * The young generation's size after a node process loaded this module and then made objects fast,
 * some of them kept for a while, in turns of the event loop, the way a copying data-mirror does.
 */
async function youngGenerationAfterLoad(nodeOptions = '', nodeArgs: string[] = []): Promise<number> {
  const script = `
    require(${JSON.stringify(join(__dirname, 'young-generation.ts'))});
    const v8 = require('node:v8');
    (async () => {
      let kept = [];
      for (let turn = 0; turn < 250; turn++) {
        for (let i = 0; i < 20000; i++) { const o = { i, a: [i] }; if (i % 50 === 0) kept.push(o); if (kept.length > 20000) kept = []; }
        await new Promise((resolve) => setImmediate(resolve));
      }
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));
    })();`;
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const { stdout } = await run(process.execPath, [...nodeArgs, '--import', 'tsx', '-e', script], { env, cwd: join(__dirname, '../../..') });
  return Number(stdout);
}

describe('the data-mirror process keeps its young generation small', () => {
  it('lets it grow to 8 MiB and no further', async () => {
    expect(await youngGenerationAfterLoad()).toBe(YOUNG_GENERATION_CAP_BYTES);
  }, 30_000);

  it('leaves it to an operator who sizes it in NODE_OPTIONS or on the command line', async () => {
    expect(await youngGenerationAfterLoad('--max-semi-space-size=8')).toBeGreaterThanOrEqual(8 * MiB);
    expect(await youngGenerationAfterLoad('', ['--semi-space-growth-factor=2'])).toBeGreaterThanOrEqual(16 * MiB);
  }, 30_000);

  it('knows the flags an operator sizes it with', () => {
    expect(youngGenerationPolicy([], undefined)).toBe('capped at 8 MiB');
    expect(youngGenerationPolicy([], '--max-old-space-size=512')).toBe('capped at 8 MiB');
    expect(youngGenerationPolicy([], '--max-old-space-size=512 --max-semi-space-size=8')).toBe('sized by the operator');
    expect(youngGenerationPolicy(['--max_semi_space_size=8'], undefined)).toBe('sized by the operator');
    expect(youngGenerationPolicy(['--semi-space-growth-factor', '2'], '')).toBe('sized by the operator');
  });

  it('is set before any other module of the service loads', () => {
    const main = readFileSync(join(__dirname, 'main.ts'), 'utf8');
    expect(main.split('\n').find((line) => line.startsWith('import'))).toMatch(/ from '\.\/young-generation';$/);
  });
});
