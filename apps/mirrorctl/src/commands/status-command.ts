import { setTimeout as sleep } from 'node:timers/promises';
import { isControlCallError, LiveView, protoJson, statusScreen, statusSummary } from '@mirrormaker/operator-console';
import { GetStatusResponse } from '@mirrormaker/proto';
import { Backoff } from '@mirrormaker/service-kit';
import { flowRef } from '../cli-options';
import type { Command, CommandContext } from '../command';
import { UsageError } from '../usage-error';

function intervalMs(text: string | undefined): number {
  const seconds = Number(text ?? '2');
  if (!Number.isFinite(seconds) || seconds < 0.2) throw new UsageError(`--interval is seconds between updates, at least 0.2, got '${text}'`);
  return Math.round(seconds * 1000);
}

const clock = (d: Date) => d.toISOString().slice(11, 19);

/**
 * Redraws the status until the signal ends it. A failed call is shown in place of the status and
 * retried with a growing pause (the coordinator may be restarting); a refused credential ends the
 * watch, since asking again cannot change the answer.
 */
async function watch(ctx: CommandContext, flows: { source: string; target: string }[], everyMs: number): Promise<void> {
  const view = new LiveView(ctx.io.stdout);
  const backoff = new Backoff({ initialMs: everyMs, maxMs: Math.max(everyMs, 30_000) });
  const signal = ctx.io.signal;
  while (!signal?.aborted) {
    let pauseMs = everyMs;
    const now = ctx.now();
    const header = `mirrorctl status   ${clock(now)}   every ${everyMs / 1000} s from ${ctx.control.address}; Ctrl-C to stop`;
    try {
      const status = await ctx.control.status({ flows });
      backoff.reset();
      if (ctx.json) ctx.io.stdout.write(`${JSON.stringify(protoJson(GetStatusResponse, status))}\n`);
      else view.show({ screen: [header, '', ...statusScreen(status, now, { partitions: ctx.line.values.partitions })], plain: statusSummary(status, now).map((l) => `${clock(now)} ${l}`) });
    } catch (err) {
      if (!isControlCallError(err) || err.code === 'CREDENTIAL') throw err;
      pauseMs = backoff.next();
      const line = `${err.message}; asking again in ${(pauseMs / 1000).toFixed(1)} s`;
      if (ctx.json) ctx.io.stderr.write(`${line}\n`);
      else view.show({ screen: [header, '', line], plain: [`${clock(now)} ${line}`] });
    }
    try {
      await sleep(pauseMs, undefined, { signal });
    } catch {
      return; // aborted: the watch ends normally
    }
  }
}

export const statusCommand: Command = {
  words: ['status'],
  args: [],
  flags: ['flow', 'partitions', 'watch', 'interval'],
  async run(ctx) {
    const { values } = ctx.line;
    const flows = (values.flow ?? []).map((f) => flowRef(f, '--flow'));
    if (values.interval !== undefined && !values.watch) throw new UsageError('--interval goes with --watch');
    if (values.watch) return watch(ctx, flows, intervalMs(values.interval));
    const status = await ctx.control.status({ flows });
    if (ctx.json) ctx.printJson(protoJson(GetStatusResponse, status));
    else ctx.print(statusScreen(status, ctx.now(), { partitions: values.partitions }));
  },
};
