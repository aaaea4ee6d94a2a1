import { formatComment, formatProperties } from './java-properties';
import type { MirrorConfig } from './model';
import { modelToEntries } from './model-entries';

export interface ToPropertiesOptions {
  /**
   * Write provided keys as their `${provider:...}` references (the default), so the text can be
   * stored without the secrets; false writes the resolved values.
   */
  readonly references?: boolean;
}

/**
 * The model as mm2.properties text that MM2 and `loadMirrorConfig` read back to the same settings.
 * Cluster and flow keys appear only where they differ from what they inherit.
 */
export function toProperties(config: MirrorConfig, options: ToPropertiesOptions = {}): string {
  const entries = modelToEntries(config, { references: options.references ?? true });
  const blocks: string[] = [];
  let block: Array<{ key: string; value: string }> = [];
  let heading: string | undefined;
  const flush = (): void => {
    if (block.length > 0) blocks.push(`${heading === undefined ? '' : `${formatComment(heading)}\n`}${formatProperties(block)}`);
    block = [];
  };
  for (const entry of entries) {
    if (entry.section !== undefined) {
      flush();
      heading = entry.section;
    }
    block.push({ key: entry.key, value: entry.value });
  }
  flush();
  return blocks.join('\n');
}
