/** The kinds of worker service the coordinator leases work to. */
export const SERVICE_KINDS = ['data-mirror', 'offset-sync', 'topic-config-sync', 'acl-sync'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export function isServiceKind(value: string): value is ServiceKind {
  return (SERVICE_KINDS as readonly string[]).includes(value);
}
