import { FLOW_SETTINGS } from './flow-settings';
import { MIRROR_CONSUMER_SETTINGS, MIRROR_PRODUCER_SETTINGS } from './mirror-client-settings';
import { OUR_SETTINGS } from './our-settings';
import type { SettingSpec } from './setting-spec';
import { WORKER_SETTINGS } from './worker-settings';

/**
 * The tables of docs/configuration.md, rendered from the setting specs themselves: every key we
 * read with its default here, MM2's default and why they differ. A test compares the document with
 * this output, so the two cannot drift apart.
 */

interface Section {
  readonly title: string;
  /** Where the key may be written, for the section's lead sentence. */
  readonly where: string;
  readonly specs: readonly SettingSpec<unknown>[];
  /** Prefix shown before each key, e.g. `consumer.`. */
  readonly prefix?: string;
  /** Whether to mark the keys MM2 reads per flow only (flow settings). */
  readonly markPerFlowOnly?: boolean;
}

const specsOf = (specs: object): SettingSpec<unknown>[] => Object.values(specs) as SettingSpec<unknown>[];

export const CONFIGURATION_SECTIONS: readonly Section[] = [
  {
    title: 'Flow settings',
    where:
      'Written per flow (`A->B.<key>`) or at top level as the default of every flow (except where the scope says per flow only, as MM2 drops those keys at top level).',
    specs: specsOf(FLOW_SETTINGS),
    markPerFlowOnly: true,
  },
  {
    title: 'Source consumer settings of the data mirror',
    where: 'Written as `A->B.consumer.<key>`, `A.consumer.<key>` or `A->B.source.consumer.<key>` (later wins, as in MM2).',
    specs: specsOf(MIRROR_CONSUMER_SETTINGS),
    prefix: 'consumer.',
  },
  {
    title: 'Target producer settings of the data mirror',
    where: 'Written as `A->B.producer.<key>`, `B.producer.<key>` or `A->B.producer.override.<key>` (later wins, as in MM2).',
    specs: specsOf(MIRROR_PRODUCER_SETTINGS),
    prefix: 'producer.',
  },
  {
    title: 'Connect worker settings',
    where:
      'Written with the target cluster\'s prefix (`B.<key>`), as MM2 builds each flow\'s worker from the target\'s properties; ' +
      'the `offset.storage.*` keys also at top level, which MM2 hands to every flow\'s worker.',
    specs: specsOf(WORKER_SETTINGS),
  },
  {
    title: 'Settings of our own',
    where: 'Top level only; MM2 has no such keys (it would ignore them).',
    specs: specsOf(OUR_SETTINGS),
  },
];

/** Table-safe text: pipes escaped, and `<name>` placeholders kept visible (not read as HTML). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/<(?=[a-zA-Z])/g, '&lt;');
}

function value(spec: SettingSpec<unknown>, v: unknown): string {
  const text = spec.format(v);
  return text === '' ? '(unset)' : `\`${cell(text)}\``;
}

function difference(spec: SettingSpec<unknown>): string {
  if (spec.ours) return 'ours only';
  const since = spec.since ? ` (MM2 ${spec.since}+)` : '';
  if (spec.mm2Default === undefined || spec.format(spec.mm2Default) === spec.format(spec.defaultValue)) return `same${since}`;
  return `**differs**${since}: ${cell(spec.reason ?? '')}`;
}

function scope(spec: SettingSpec<unknown>, section: Section): string {
  return section.markPerFlowOnly && !spec.topLevel ? ' (per flow only)' : '';
}

export function configurationReference(): string {
  const out: string[] = [];
  for (const section of CONFIGURATION_SECTIONS) {
    out.push(`### ${section.title}`, '', section.where, '', '| key | default here | MM2 default | difference | what it does |', '|---|---|---|---|---|');
    for (const spec of section.specs) {
      const key = `\`${section.prefix ?? ''}${spec.key}\`${scope(spec, section)}`;
      const mm2 = spec.ours || spec.mm2Default === undefined ? '—' : value(spec, spec.mm2Default);
      out.push(`| ${key} | ${value(spec, spec.defaultValue)} | ${mm2} | ${difference(spec)} | ${cell(spec.doc)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
