export { ServiceError, isServiceError, SERVICE_ERROR_CODES, type ServiceErrorCode } from './errors';
export { startGrpcServer, type GrpcServerHandle, type GrpcServerOptions, type GrpcServiceRegistration } from './grpc-server';
export { parseServiceFlags, usage, type FlagDefaults, type ServiceFlags } from './service-flags';
export { runService, startService, type RunningService, type ServiceContext, type ServiceHandle, type ServiceSpec } from './run-service';
export { withUnimplemented } from './unimplemented';
export { MIRRORMAKER_VERSION } from './version';
export { LeaseClient, type LeaseClientOptions, type UnitWorker } from './lease-client';
export { Backoff, type BackoffOptions } from './backoff';
