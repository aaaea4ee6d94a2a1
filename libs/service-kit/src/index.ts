export { ServiceError, isServiceError, SERVICE_ERROR_CODES, type ServiceErrorCode } from './errors';
export { startGrpcServer, type GrpcServerHandle, type GrpcServerOptions, type GrpcServiceRegistration } from './grpc-server';
export { parseServiceFlags, usage, type FlagDefaults, type ServiceFlags } from './service-flags';
export { runService, startService, type RunningService, type ServiceContext, type ServiceHandle, type ServiceSpec } from './run-service';
export { withUnimplemented } from './unimplemented';
export { MIRRORMAKER_VERSION } from './version';
export { LeaseClient, type ConfigApplied, type LeaseClientOptions, type UnitWorker } from './leases/lease-client';
export type { WhenCoordinatorsUnreachable } from './leases/when-coordinators-unreachable';
export { LeaseManager, type ConfigPush, type InstanceReport, type LeaseSettings, type SessionSink } from './leases/lease-manager';
export { LEADER_METADATA_KEY, leaseServiceHandlers, notLeaderError, type LeaseServingGate } from './leases/lease-service-handlers';
export { CoordinatorAddresses, isNotLeaderRefusal, leaderHintOf } from './leases/coordinator-addresses';
export { leaseKindOf, protoKindOf } from './leases/service-kind-mapping';
export { workUnitMessage } from './leases/work-unit-mapping';
export { Backoff, type BackoffOptions } from './backoff';
export { kafkaConnectionFor } from './kafka-connection';
export { loadServiceConfig } from './load-service-config';
export { providerFileReader, PROVIDER_DIR_FLAG } from './provider-file-reader';
export { PeriodicLoop } from './units/periodic-loop';
export { nextDelayMs, type RunOutcome } from './units/retry-delay';
export { resolveUnitFlow, type UnitFlow } from './units/unit-flow';
export { UnitStatus, type ProblemReport, type RunRecord, type UnitPhase, type UnitProblem, type UnitState, type UnitStatusOptions } from './units/unit-status';
export type { UnitFailure } from './units/unit-failure';
export { UnitFailureError, isUnitFailureError } from './units/unit-failure-error';
export { CLUSTER_CALL_CAUSES, UNIT_SETUP_CAUSES, type ClusterCallCause, type UnitSetupCause } from './units/unit-causes';
export { clusterFailureDescriber, type ActionNeed, type ClusterCallContext } from './units/cluster-failure';
export { unitMetrics, type UnitMetrics } from './units/unit-metrics';
export { heldUnitsReport, idleUnit, type HeldUnit, type IdleUnitOptions } from './units/held-unit';
export { PeriodicUnit, type PeriodicUnitOptions, type TaskOutcome } from './units/periodic-unit';
export { RunningConfig, type RunningConfigOptions } from './units/running-config';
export { leasedUnitService, type LeasedUnitServiceOptions, type ReconcilerSetup } from './units/leased-unit-service';
export { flowAdmin, type FlowAdmin } from './flow-admin';
export { ADVERTISED_HOST_ENV, advertisedAddress, type AdvertisedAddress, type AdvertisedAddressInput } from './advertised-address';
export { flowUnitAdmins, type FlowUnitAdmins, type FlowUnitAdminsOptions } from './units/flow-unit-admins';
export { ROLES, isRole, requirementOf, rolesAllow, type Requirement, type Role } from './security/roles';
export { CallerRegistry, hashToken, newToken, tokensFileLine, type Caller } from './security/caller-registry';
export { authorizeCall } from './security/auth-interceptor';
export { TLS_CLIENT_AUTH, type SecurityFlags, type TlsClientAuth } from './security/security-flags';
export {
  bearerTokenInterceptor,
  loadGrpcSecurity,
  plaintextClient,
  plaintextServer,
  secureClient,
  tlsClient,
  type ClientSecurity,
  type GrpcSecurity,
  type ServerSecurity,
} from './security/grpc-security';
