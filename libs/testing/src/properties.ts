/**
 * Settings files for the Kafka processes tests start (server.properties, log4j2 settings, client
 * configs): typed values in insertion order, written in the config lib's .properties syntax.
 */
import { formatComment, formatProperties } from '@mirrormaker/config';

export type PropertyValue = string | number | boolean;
export type Properties = Record<string, PropertyValue>;

/**
 * `key=value` lines in insertion order under `# comment` lines. Undefined values are skipped so
 * optional settings can be written inline.
 */
export function renderProperties(props: Record<string, PropertyValue | undefined>, comments: string[] = []): string {
  const entries = Object.entries(props).flatMap(([key, value]) => (value === undefined ? [] : [{ key, value: String(value) }]));
  return comments.map((c) => `${formatComment(c)}\n`).join('') + formatProperties(entries);
}
