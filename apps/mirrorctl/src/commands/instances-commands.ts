import { instancesTable, protoJson } from '@mirrormaker/operator-console';
import { DrainInstanceResponse, ListInstancesResponse } from '@mirrormaker/proto';
import type { Command } from '../command';

export const instancesCommands: Command[] = [
  {
    words: ['instances', 'list'],
    args: [],
    flags: [],
    async run(ctx) {
      const res = await ctx.control.call('listInstances', {});
      if (ctx.json) return ctx.printJson(protoJson(ListInstancesResponse, res));
      // The revision in force comes with the flows; an instance behind it shows "(of N)".
      const { configRevision } = await ctx.control.call('listFlows', {});
      ctx.print(instancesTable(res.instances, configRevision, ctx.now()));
    },
  },
  {
    words: ['instances', 'drain'],
    args: ['instance-id'],
    flags: [],
    async run(ctx, [instanceId]) {
      const res = await ctx.control.call('drainInstance', { instanceId: instanceId! });
      if (ctx.json) ctx.printJson(protoJson(DrainInstanceResponse, res));
      else ctx.print([`${instanceId} drained: ${res.unitsMoved} units handed to other instances`]);
    },
  },
];
