/**
 * Who may call what. Every gRPC method a service serves is listed here with the role it needs; the
 * server's auth interceptor (auth-interceptor.ts) enforces it, and `startGrpcServer` refuses to
 * start when one of our services has a method missing from the table, so a new RPC cannot slip in
 * unguarded.
 *
 * Roles: `viewer` reads (list, get, status, translate), `operator` changes (and may read: operator
 * includes viewer), `worker` holds a lease session and nothing else. A worker is deliberately not a
 * viewer: the credential on every worker host should not also read every flow's config.
 */
export const ROLES = ['viewer', 'operator', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** What a method needs: a role, or `public` (health probes carry no credentials). */
export type Requirement = Role | 'public';

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Per service, either one requirement for all its methods or one per method. */
const RPC_ROLES: Record<string, Requirement | Record<string, Requirement>> = {
  'mirrormaker.v1.ControlService': {
    ListFlows: 'viewer',
    GetFlow: 'viewer',
    GetStatus: 'viewer',
    ListInstances: 'viewer',
    TranslateGroupOffsets: 'viewer',
    ApplyConfig: 'operator',
    PatchFlow: 'operator',
    PauseFlow: 'operator',
    ResumeFlow: 'operator',
    DeleteFlow: 'operator',
    DrainInstance: 'operator',
    Refresh: 'operator',
    // A dry run reads group positions and end offsets, as TranslateGroupOffsets does, and changes nothing.
    PrepareFailover: 'viewer',
    Failover: 'operator',
    Failback: 'operator',
  },
  'mirrormaker.v1.LeaseService': { Session: 'worker', Release: 'worker' },
  'mirrormaker.v1.OffsetSyncService': { TranslateOffsets: 'viewer', TranslateToSource: 'viewer' },
  // Probes (kubelet, load balancers) call health without credentials; it reveals only up/down.
  'grpc.health.v1.Health': 'public',
  // Reflection shows the API's shape, no data: viewers may list it (grpcurl needs it without .proto files).
  'grpc.reflection.v1.ServerReflection': 'viewer',
  'grpc.reflection.v1alpha.ServerReflection': 'viewer',
};

/** The requirement of a method path (`/pkg.Service/Method`), or undefined when it is not in the table. */
export function requirementOf(path: string): Requirement | undefined {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const entry = RPC_ROLES[match[1]!];
  return typeof entry === 'string' ? entry : entry?.[match[2]!];
}

/** True when a caller with `roles` may call a method that needs `needed` (operator includes viewer). */
export function rolesAllow(roles: readonly Role[], needed: Requirement): boolean {
  if (needed === 'public') return true;
  return roles.includes(needed) || (needed === 'viewer' && roles.includes('operator'));
}

/** Method paths of a service definition that the table does not cover. */
export function unmappedMethods(definition: Record<string, { path: string }>): string[] {
  return Object.values(definition)
    .map((m) => m.path)
    .filter((path) => requirementOf(path) === undefined);
}

/** True for methods that change something: every one of them is logged with its caller. */
export function isChange(needed: Requirement): boolean {
  return needed === 'operator';
}
