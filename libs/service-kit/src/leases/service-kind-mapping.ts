import type { ServiceKind as LeaseServiceKind } from '@mirrormaker/lease';
import { ServiceKind } from '@mirrormaker/proto';

const TO_LEASE: ReadonlyMap<ServiceKind, LeaseServiceKind> = new Map([
  [ServiceKind.SERVICE_KIND_DATA_MIRROR, 'data-mirror'],
  [ServiceKind.SERVICE_KIND_OFFSET_SYNC, 'offset-sync'],
  [ServiceKind.SERVICE_KIND_TOPIC_CONFIG_SYNC, 'topic-config-sync'],
  [ServiceKind.SERVICE_KIND_ACL_SYNC, 'acl-sync'],
]);
const TO_PROTO = new Map([...TO_LEASE].map(([proto, lease]) => [lease, proto]));

export function leaseKindOf(kind: ServiceKind): LeaseServiceKind | undefined {
  return TO_LEASE.get(kind);
}

export function protoKindOf(kind: LeaseServiceKind): ServiceKind {
  return TO_PROTO.get(kind) ?? ServiceKind.SERVICE_KIND_UNSPECIFIED;
}
