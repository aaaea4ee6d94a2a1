import { formatCount, protoJson, renderTable } from '@mirrormaker/operator-console';
import { TranslateGroupOffsetsResponse, TranslationMethod } from '@mirrormaker/proto';
import { flowRef } from '../cli-options';
import type { Command } from '../command';
import { UsageError } from '../usage-error';

const METHOD: Record<number, string> = {
  [TranslationMethod.TRANSLATION_METHOD_EXACT]: 'exact',
  [TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS]: 'offset syncs',
};

export const translateCommand: Command = {
  words: ['translate'],
  args: [],
  flags: ['flow', 'group'],
  async run(ctx) {
    const { flow: flows, group } = ctx.line.values;
    if (flows?.length !== 1 || !group) throw new UsageError('translate needs --flow <source->target> (once) and --group <source consumer group>');
    const res = await ctx.control.call('translateGroupOffsets', { flow: flowRef(flows[0], '--flow'), group });
    if (ctx.json) return ctx.printJson(protoJson(TranslateGroupOffsetsResponse, res));
    if (res.offsets.length === 0) return ctx.print([`group ${group} has no committed offsets on mirrored topics of ${flows[0]}`]);
    const rows = res.offsets.map((o) => [o.topic, String(o.partition), formatCount(o.upstreamOffset), formatCount(o.downstreamOffset), formatCount(o.recordsReread), METHOD[o.method] ?? 'unknown']);
    ctx.print(
      renderTable(
        [
          { header: 'TARGET TOPIC' },
          { header: 'PART', align: 'right' },
          { header: 'SOURCE OFFSET', align: 'right' },
          { header: 'TARGET OFFSET', align: 'right' },
          { header: 'REREAD AT MOST', align: 'right' },
          { header: 'METHOD' },
        ],
        rows,
      ),
    );
  },
};
