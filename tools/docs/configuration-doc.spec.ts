import { readFileSync } from 'node:fs';
import { FLOW_SETTINGS, OUR_SETTINGS, WORKER_SETTINGS } from '@mirrormaker/config';
import { BEGIN, CONFIGURATION_DOC, END, withCurrentTables } from './configuration-doc';

describe('docs/configuration.md', () => {
  const document = readFileSync(CONFIGURATION_DOC, 'utf8');

  it('has key tables equal to what the setting specs render (run `npm run docs:config` after changing a key)', () => {
    expect(document).toBe(withCurrentTables(document));
  });

  it('lists every key we read, with both defaults', () => {
    for (const spec of [...Object.values(FLOW_SETTINGS), ...Object.values(OUR_SETTINGS), ...Object.values(WORKER_SETTINGS)]) {
      expect(document).toMatch(new RegExp(`^\\| \`${spec.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``, 'm'));
    }
    expect(document).toMatch(/^\| `emit\.checkpoints\.interval\.seconds` \| `1` \| `60` \| \*\*differs\*\*/m);
  });

  it('would notice a table edited by hand', () => {
    const edited = document.replace('| `offset.lag.max` | `100` |', '| `offset.lag.max` | `50` |');
    expect(edited).not.toBe(document);
    expect(withCurrentTables(edited)).not.toBe(edited);
    expect(() => withCurrentTables(document.replace(END, ''))).toThrow(/markers/);
    expect(document.indexOf(BEGIN)).toBeGreaterThan(0);
  });
});
