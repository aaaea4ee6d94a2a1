import { readFileSync } from 'node:fs';
import { protoJson, renderTable } from '@mirrormaker/operator-console';
import { ApplyConfigResponse, DeleteFlowResponse, Flow, ListFlowsResponse, PatchFlowResponse, type ConfigProblem } from '@mirrormaker/proto';
import { flowRef } from '../cli-options';
import type { Command, CommandContext } from '../command';
import { UsageError } from '../usage-error';

const nameOf = (flow: Flow) => `${flow.ref?.source}->${flow.ref?.target}`;

function flowLines(flow: Flow): string[] {
  const keys = Object.keys(flow.settings).sort();
  return [
    `flow ${nameOf(flow)}   ${flow.enabled ? 'enabled' : 'disabled'}${flow.paused ? ', paused' : ''}`,
    ...keys.map((k) => `  ${k} = ${flow.settings[k]}`),
  ];
}

function problemLines(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => `${p.severity || 'warning'}: ${p.line ? `line ${p.line}: ` : ''}${p.key ? `${p.key}: ` : ''}${p.message}${p.hint ? ` (${p.hint})` : ''}`);
}

function keyValue(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--set takes key=value (an MM2 key without the "A->B." prefix), got '${text}'`);
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** pause, resume: the same call shape, a different word. */
function pauseOrResume(word: 'pause' | 'resume'): Command {
  return {
    words: ['flows', word],
    args: ['flow'],
    flags: [],
    async run(ctx: CommandContext, [name]) {
      const flow = flowRef(name, `flows ${word}`);
      const res = word === 'pause' ? await ctx.control.call('pauseFlow', { flow }) : await ctx.control.call('resumeFlow', { flow });
      if (ctx.json) ctx.printJson(protoJson(Flow, res.flow!));
      else ctx.print([`flow ${name} ${word === 'pause' ? 'paused' : 'resumed'}`]);
    },
  };
}

export const flowsCommands: Command[] = [
  {
    words: ['flows', 'list'],
    args: [],
    flags: [],
    async run(ctx) {
      const res = await ctx.control.call('listFlows', {});
      if (ctx.json) return ctx.printJson(protoJson(ListFlowsResponse, res));
      const rows = res.flows.map((f) => [nameOf(f), f.enabled ? 'yes' : 'no', f.paused ? 'yes' : 'no']);
      ctx.print([`config revision ${res.configRevision}`, ...renderTable([{ header: 'FLOW' }, { header: 'ENABLED' }, { header: 'PAUSED' }], rows)]);
    },
  },
  {
    words: ['flows', 'get'],
    args: ['flow'],
    flags: [],
    async run(ctx, [name]) {
      const res = await ctx.control.call('getFlow', { flow: flowRef(name, 'flows get') });
      if (ctx.json) ctx.printJson(protoJson(Flow, res.flow!));
      else ctx.print(flowLines(res.flow!));
    },
  },
  {
    words: ['flows', 'apply'],
    args: [],
    flags: ['file', 'dry-run'],
    async run(ctx) {
      const file = ctx.line.values.file;
      if (file === undefined) throw new UsageError('flows apply needs -f <mm2.properties or .json file>');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read -f file '${file}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const dryRun = ctx.line.values['dry-run'] === true;
      const config = file.endsWith('.json') ? { $case: 'json' as const, value: text } : { $case: 'properties' as const, value: text };
      const res = await ctx.control.call('applyConfig', { config, dryRun });
      if (ctx.json) return ctx.printJson(protoJson(ApplyConfigResponse, res));
      ctx.print([
        dryRun ? `${file} is valid (dry run: nothing stored)` : `${file} applied: config revision ${res.configRevision}`,
        ...problemLines(res.warnings),
      ]);
    },
  },
  {
    words: ['flows', 'patch'],
    args: ['flow'],
    flags: ['set', 'unset'],
    async run(ctx, [name]) {
      const flow = flowRef(name, 'flows patch');
      const set = Object.fromEntries((ctx.line.values.set ?? []).map(keyValue));
      const unset = ctx.line.values.unset ?? [];
      if (Object.keys(set).length === 0 && unset.length === 0) throw new UsageError('flows patch needs at least one --set key=value or --unset key');
      const res: PatchFlowResponse = await ctx.control.call('patchFlow', { flow, set, unset });
      if (ctx.json) return ctx.printJson(protoJson(PatchFlowResponse, res));
      ctx.print([`config revision ${res.configRevision}`, ...flowLines(res.flow!)]);
    },
  },
  pauseOrResume('pause'),
  pauseOrResume('resume'),
  {
    words: ['flows', 'delete'],
    args: ['flow'],
    flags: [],
    async run(ctx, [name]) {
      const res = await ctx.control.call('deleteFlow', { flow: flowRef(name, 'flows delete') });
      if (ctx.json) ctx.printJson(protoJson(DeleteFlowResponse, res));
      else ctx.print([`flow ${name} deleted: config revision ${res.configRevision}`]);
    },
  },
];
