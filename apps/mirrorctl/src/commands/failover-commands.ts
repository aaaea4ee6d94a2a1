import { formatCount, protoJson, renderTable } from '@mirrormaker/operator-console';
import { FailbackResponse, FailoverResponse, GroupMoveOutcome, TranslationMethod, type GroupMoveReport } from '@mirrormaker/proto';
import { flowRef } from '../cli-options';
import type { Command, CommandContext } from '../command';
import { UsageError } from '../usage-error';

const OUTCOME: Record<number, string> = {
  [GroupMoveOutcome.GROUP_MOVE_OUTCOME_MOVED]: 'moved',
  [GroupMoveOutcome.GROUP_MOVE_OUTCOME_WOULD_MOVE]: 'would move (dry run)',
  [GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOT_IDLE]: 'not moved: the group has active members on the destination; stop them first',
  [GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOTHING_TO_MOVE]: 'nothing to move (no committed offset, no checkpoint)',
  [GroupMoveOutcome.GROUP_MOVE_OUTCOME_WAITING_FOR_REVERSE_FLOW]: 'not moved yet: the reverse flow is still copying',
};

const METHOD: Record<number, string> = {
  [TranslationMethod.TRANSLATION_METHOD_EXACT]: 'exact',
  [TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS]: 'offset syncs',
  [TranslationMethod.TRANSLATION_METHOD_CHECKPOINT]: 'checkpoint',
  [TranslationMethod.TRANSLATION_METHOD_EXACT_REVERSE]: 'exact (reverse)',
};

function groupsOf(ctx: CommandContext, command: string): { flow: ReturnType<typeof flowRef>; groups: string[] } {
  const { flow: flows, group } = ctx.line.values;
  const groups = (group ?? '').split(',').map((g) => g.trim()).filter((g) => g !== '');
  if (flows?.length !== 1 || groups.length === 0) {
    throw new UsageError(`${command} needs --flow <source->target> (once) and --group <group>[,<group>...]`);
  }
  return { flow: flowRef(flows[0], '--flow'), groups };
}

/** The report as people read it: per group its outcome and partitions, then data at risk and lag. */
function printReport(ctx: CommandContext, report: GroupMoveReport | undefined): void {
  if (!report) return ctx.print(['the coordinator sent no report']);
  const lines = [
    `${report.dryRun ? 'dry run: nothing written. ' : ''}from ${report.fromCluster}${report.fromClusterReachable ? '' : ' (unreachable)'} to ${report.toCluster}`,
  ];
  for (const g of report.groups) {
    lines.push('', `group ${g.group}: ${OUTCOME[g.outcome] ?? 'unknown outcome'}${g.detail ? ` (${g.detail})` : ''}`);
    if (g.partitions.length > 0) {
      lines.push(
        ...renderTable(
          [
            { header: 'TOPIC' },
            { header: 'PART', align: 'right' },
            { header: 'RESUMES AT', align: 'right' },
            { header: 'WAS AT (LEFT CLUSTER)', align: 'right' },
            { header: 'REREAD AT MOST', align: 'right' },
            { header: 'METHOD' },
            { header: 'WRITTEN' },
          ],
          g.partitions.map((p) => [
            p.topic,
            String(p.partition),
            formatCount(p.offset),
            `${p.fromTopic}:${formatCount(p.fromOffset)}`,
            formatCount(p.recordsReread),
            METHOD[p.method] ?? 'unknown',
            p.written ? 'yes' : p.previousOffset >= 0n ? `no (already at ${formatCount(p.previousOffset)})` : 'no',
          ]),
        ),
      );
    }
    for (const u of g.untranslated) lines.push(`  not translated: ${u.topic}-${u.partition} at ${formatCount(u.offset)}: ${u.reason}`);
  }
  const atRisk = report.dataAtRisk.filter((p) => p.recordsAtRisk !== 0n);
  if (report.dataAtRisk.length > 0) {
    lines.push('', atRisk.length === 0 ? 'data at risk: none (every record written on the source is known to be on the target)' : 'data at risk (written on the source, not known to be on the target):');
    if (atRisk.length > 0) {
      lines.push(
        ...renderTable(
          [{ header: 'SOURCE TOPIC' }, { header: 'PART', align: 'right' }, { header: 'COPIED UP TO', align: 'right' }, { header: 'SOURCE END', align: 'right' }, { header: 'RECORDS', align: 'right' }],
          atRisk.map((p) => [p.topic, String(p.partition), formatCount(p.replicatedEnd), formatCount(p.sourceEnd), formatCount(p.recordsAtRisk)]),
        ),
      );
    }
  }
  if (report.reverseFlowLag > 0n) lines.push('', `the reverse flow has ${formatCount(report.reverseFlowLag)} record(s) still to copy; run failback again once it is 0`);
  ctx.print(lines);
}

export const failoverCommand: Command = {
  words: ['failover'],
  args: [],
  flags: ['flow', 'group', 'dry-run'],
  async run(ctx) {
    const { flow, groups } = groupsOf(ctx, 'failover');
    const res = await ctx.control.call('failover', { flow, groups, dryRun: ctx.line.values['dry-run'] === true });
    if (ctx.json) return ctx.printJson(protoJson(FailoverResponse, res));
    printReport(ctx, res.report);
  },
};

export const failbackCommand: Command = {
  words: ['failback'],
  args: [],
  flags: ['flow', 'group', 'dry-run'],
  async run(ctx) {
    const { flow, groups } = groupsOf(ctx, 'failback');
    const res = await ctx.control.call('failback', { flow, groups, dryRun: ctx.line.values['dry-run'] === true });
    if (ctx.json) return ctx.printJson(protoJson(FailbackResponse, res));
    printReport(ctx, res.report);
  },
};
