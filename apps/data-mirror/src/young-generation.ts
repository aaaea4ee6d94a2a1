/**
 * Keeps V8's young generation, where new objects are made, at its initial size in this process.
 *
 * V8 grows the young generation as objects survive its collections, up to two semi-spaces of
 * 16 MiB on 64-bit, and keeps it while the process stays busy. A copying data-mirror makes objects
 * fast and keeps many alive for a few milliseconds (requests in flight), so it grew to the full
 * 32 MiB: a sixth of its memory at full speed. Kept at the initial two semi-spaces of 1 MiB,
 * collections come more often and each costs what survives it, as before; the benchmarks saw no
 * loss of rate or CPU (docs/benchmarks.md).
 *
 * V8 takes the flags that size the young generation only when the heap is made (node's command
 * line or NODE_OPTIONS). The growth factor is the one it reads each time it would grow, so it is
 * set here, at run time, before the service's modules load: main.ts imports this module first.
 * An operator who sets --max-semi-space-size (NODE_OPTIONS or node's command line) or
 * --semi-space-growth-factor (the command line only: node refuses it in NODE_OPTIONS) keeps that
 * choice.
 */
import { setFlagsFromString } from 'node:v8';

export type YoungGeneration = 'kept at its initial size' | 'sized by the operator';

const OPERATOR_FLAG = /(^|\s)--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)(=|\s|$)/;

/** What this process does with its young generation, given node's own flags. */
export function youngGenerationPolicy(execArgv: readonly string[], nodeOptions: string | undefined): YoungGeneration {
  return [...execArgv, nodeOptions ?? ''].some((arg) => OPERATOR_FLAG.test(arg)) ? 'sized by the operator' : 'kept at its initial size';
}

function apply(): YoungGeneration {
  const policy = youngGenerationPolicy(process.execArgv, process.env['NODE_OPTIONS']);
  if (policy === 'kept at its initial size') setFlagsFromString('--semi-space-growth-factor=1');
  return policy;
}

export const youngGeneration: YoungGeneration = apply();
