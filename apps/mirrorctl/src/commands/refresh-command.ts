import { flowRef } from '../cli-options';
import type { Command } from '../command';

export const refreshCommand: Command = {
  words: ['refresh'],
  args: [],
  flags: ['flow'],
  async run(ctx) {
    const flows = (ctx.line.values.flow ?? []).map((f) => flowRef(f, '--flow'));
    await ctx.control.call('refresh', { flows });
    if (ctx.json) ctx.printJson({});
    else ctx.print([`discovery refreshed for ${flows.length === 0 ? 'every flow' : (ctx.line.values.flow ?? []).join(', ')}`]);
  },
};
