/**
 * Replaces what a kafkajs module exports. kafkajs reads its internal modules through `require`,
 * once, when the module that uses them loads; replacing `module.exports` in the require cache
 * before that makes every later load get the replacement.
 *
 * Returns true when the replacement is in effect (now, or from an earlier call), false when
 * `capturedBy` loaded first and keeps kafkajs's own export.
 */
export function replaceModuleExports(modulePath: string, replacement: unknown, capturedBy: string): boolean {
  const path = require.resolve(modulePath);
  const cached = require.cache[path];
  if (cached?.exports === replacement) return true;
  if (require.cache[require.resolve(capturedBy)]) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the kafkajs module whose export is replaced
  if (!cached) require(path);
  const mod = require.cache[path];
  if (!mod) return false;
  mod.exports = replacement;
  return true;
}
