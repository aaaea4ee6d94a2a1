/** Kafka's protocol writes a group id as a STRING: an INT16 byte length, so at most this many UTF-8 bytes. */
export const MAX_GROUP_ID_BYTES = 0x7fff;

/** Why Kafka cannot carry `group` as a group id, or undefined when it can; check before asking a broker. */
export function groupIdProblem(group: string): string | undefined {
  const bytes = Buffer.byteLength(group, 'utf8');
  return bytes > MAX_GROUP_ID_BYTES ? `group is ${bytes} bytes long; Kafka group ids are at most ${MAX_GROUP_ID_BYTES} bytes` : undefined;
}
