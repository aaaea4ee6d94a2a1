/** Where a key of mm2.properties applies. */
export type KeyScope =
  | { readonly kind: 'top'; readonly name: string }
  | { readonly kind: 'cluster'; readonly alias: string; readonly name: string }
  | { readonly kind: 'flow'; readonly source: string; readonly target: string; readonly name: string }
  | { readonly kind: 'bad-flow'; readonly source: string; readonly target: string; readonly name: string };

export const FLOW_ARROW = '->';

/**
 * Classifies a key against the declared aliases, longest alias first so that `us.west.x` belongs to
 * `us.west` rather than `us`. A key with `->` whose aliases are undeclared, or equal, is `bad-flow`.
 */
export function classifyKey(key: string, aliases: readonly string[]): KeyScope {
  const byLength = [...aliases].sort((a, b) => b.length - a.length);
  const arrow = key.indexOf(FLOW_ARROW);
  if (arrow > 0) {
    const source = key.slice(0, arrow);
    const rest = key.slice(arrow + FLOW_ARROW.length);
    const target = byLength.find((alias) => rest.startsWith(`${alias}.`));
    const isSourceDeclared = aliases.includes(source);
    if (isSourceDeclared && target !== undefined && source !== target) {
      return { kind: 'flow', source, target, name: rest.slice(target.length + 1) };
    }
    if (isSourceDeclared || target !== undefined || !source.includes('.')) {
      const guessedTarget = target ?? rest.split('.')[0] ?? '';
      return { kind: 'bad-flow', source, target: guessedTarget, name: rest.slice(guessedTarget.length + 1) };
    }
  }
  const alias = byLength.find((candidate) => key.startsWith(`${candidate}.`));
  if (alias !== undefined) {
    return { kind: 'cluster', alias, name: key.slice(alias.length + 1) };
  }
  return { kind: 'top', name: key };
}

export function flowName(source: string, target: string): string {
  return `${source}${FLOW_ARROW}${target}`;
}
