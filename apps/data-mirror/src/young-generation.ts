/**
 * Caps V8's young generation, where new objects are made, at 8 MiB (two semi-spaces of 4 MiB) in
 * this process.
 *
 * V8 grows the young generation as objects survive its collections, up to two semi-spaces of
 * 16 MiB on 64-bit, and keeps it while the process stays busy. A copying data-mirror makes objects
 * fast and keeps many alive for a few milliseconds (requests in flight), so it grew to the full
 * 32 MiB: a sixth of its memory at full speed. At 8 MiB it collects more often, each collection
 * costing what survives it. At 2 MiB (V8's initial size) more survived into the old generation,
 * which then peaked 10-15 MiB higher, and collecting took almost three times as long
 * (docs/benchmarks.md).
 *
 * V8 reads the flags that size the young generation only when the heap is made (node's command
 * line or NODE_OPTIONS). The growth factor is the one it reads each time it would grow, so this
 * sets it at run time: 1 (no growth) once the cap is reached, V8's default 2 below it (V8 shrinks
 * the young generation when the process is quiet, and it must be able to grow back). main.ts
 * imports this module before the service's modules load.
 *
 * An operator who sets --max-semi-space-size (NODE_OPTIONS or node's command line) or
 * --semi-space-growth-factor (the command line only: node refuses it in NODE_OPTIONS) keeps that
 * choice.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;
const V8_DEFAULT_GROWTH_FACTOR = 2;

export type YoungGeneration = 'capped at 8 MiB' | 'sized by the operator';

const OPERATOR_FLAG = /(^|\s)--(max[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)(=|\s|$)/;

/** What this process does with its young generation, given node's own flags. */
export function youngGenerationPolicy(execArgv: readonly string[], nodeOptions: string | undefined): YoungGeneration {
  return [...execArgv, nodeOptions ?? ''].some((arg) => OPERATOR_FLAG.test(arg)) ? 'sized by the operator' : 'capped at 8 MiB';
}

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** How often a young generation at its cap is checked for having been shrunk by V8. */
const SHRINK_CHECK_MS = 5_000;

function capYoungGeneration(): void {
  let shrinkCheck: NodeJS.Timeout | undefined;
  // Growing needs survivors worth the whole young generation since it last grew, which takes many
  // collections: a check after each one stops it at the cap.
  const growing = new PerformanceObserver(() => {
    if (youngGenerationBytes() >= YOUNG_GENERATION_CAP_BYTES) stopGrowing();
  });
  // At the cap nothing is observed (a busy process collects hundreds of times a second); V8
  // shrinks the young generation only in a quiet spell, which a slow timer sees soon enough.
  const stopGrowing = (): void => {
    setFlagsFromString('--semi-space-growth-factor=1');
    growing.disconnect();
    shrinkCheck = setInterval(() => {
      if (youngGenerationBytes() < YOUNG_GENERATION_CAP_BYTES) startGrowing();
    }, SHRINK_CHECK_MS).unref();
  };
  const startGrowing = (): void => {
    clearInterval(shrinkCheck);
    setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
    growing.observe({ entryTypes: ['gc'] });
  };
  if (youngGenerationBytes() >= YOUNG_GENERATION_CAP_BYTES) stopGrowing();
  else startGrowing();
}

function apply(): YoungGeneration {
  const policy = youngGenerationPolicy(process.execArgv, process.env['NODE_OPTIONS']);
  if (policy === 'capped at 8 MiB') capYoungGeneration();
  return policy;
}

export const youngGeneration: YoungGeneration = apply();
