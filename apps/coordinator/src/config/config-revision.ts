import { formatProperties, parseProperties } from '@mirrormaker/config';

/**
 * One accepted version of the replication config, as stored in the coordinator's config topic.
 * The text is the operator's mm2.properties as given (provider references unresolved), so a
 * restart resolves `${file:…}`/`${env:…}` again on the machine that runs the coordinator.
 */
export interface ConfigRevision {
  revision: number;
  properties: string;
  /** Flows (`A->B`) that are paused: configured and enabled, but given no work. */
  paused: string[];
  writtenAt: string;
}

/** Record key of every revision; the topic is compacted, so only the latest one is kept. */
export const CONFIG_RECORD_KEY = 'mirrormaker-config';

export function encodeRevision(rev: ConfigRevision): Buffer {
  return Buffer.from(JSON.stringify(rev), 'utf8');
}

/** Returns undefined for a value that is not a revision (a tombstone or foreign data). */
export function decodeRevision(value: Buffer | null): ConfigRevision | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<ConfigRevision>;
    if (typeof parsed.revision !== 'number' || typeof parsed.properties !== 'string') return undefined;
    return {
      revision: parsed.revision,
      properties: parsed.properties,
      paused: Array.isArray(parsed.paused) ? parsed.paused.filter((f): f is string => typeof f === 'string') : [],
      writtenAt: typeof parsed.writtenAt === 'string' ? parsed.writtenAt : '',
    };
  } catch {
    return undefined;
  }
}

/**
 * Sets and removes keys of one flow (`A->B.<key>`) in a properties text, keeping every other line's
 * key and value. Later duplicates of a key are dropped so the result has one line per key.
 */
export function patchFlowProperties(text: string, flow: string, set: Record<string, string>, unset: readonly string[]): string {
  const prefixed = (key: string) => `${flow}.${key}`;
  const remove = new Set([...unset.map(prefixed), ...Object.keys(set).map(prefixed)]);
  const entries = parseProperties(text).entries.filter((e) => !remove.has(e.key));
  for (const [key, value] of Object.entries(set)) entries.push({ key: prefixed(key), value, line: 0 });
  return formatProperties(entries);
}

/** Removes every key of a flow and leaves it disabled. */
export function deleteFlowProperties(text: string, flow: string): string {
  const entries = parseProperties(text).entries.filter((e) => !e.key.startsWith(`${flow}.`));
  entries.push({ key: `${flow}.enabled`, value: 'false', line: 0 });
  return formatProperties(entries);
}
