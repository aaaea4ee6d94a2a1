import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { descriptorSetPath } from '@mirrormaker/proto';
import type { Logger } from '@mirrormaker/observability';
import { ServiceError } from './errors';
import { boundedStatusInterceptor } from './bounded-status';
import { authInterceptor } from './security/auth-interceptor';
import type { ServerSecurity } from './security/grpc-security';
import { unmappedMethods } from './security/roles';

export interface GrpcServiceRegistration {
  /** Fully qualified name, e.g. `mirrormaker.v1.ControlService`; reported by the health service. */
  name: string;
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** @default '0.0.0.0' */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  services: GrpcServiceRegistration[];
  /** TLS and the callers accepted; every call passes the role check of security/roles.ts. */
  security: ServerSecurity;
  /** Refused calls and every change (with its caller) are logged here. */
  logger: Logger;
}

export interface GrpcServerHandle {
  readonly port: number;
  readonly server: grpc.Server;
  /** Sets the overall ('') and every registered service's health status. */
  setServing(serving: boolean): void;
  /** Graceful shutdown bounded by `deadlineMs`, then forced (open streams can hold tryShutdown forever). */
  shutdown(deadlineMs: number): Promise<'graceful' | 'forced'>;
}

let reflectionDefinition: protoLoader.PackageDefinition | undefined;

/** Our package plus grpc.health.v1, so grpcurl can list and call everything without .proto files. */
function packageDefinitionForReflection(): protoLoader.PackageDefinition {
  reflectionDefinition ??= {
    ...protoLoader.loadFileDescriptorSetFromBuffer(readFileSync(descriptorSetPath)),
    ...protoLoader.loadSync(healthProtoPath),
  };
  return reflectionDefinition;
}

/**
 * Registers server reflection whose descriptors are read on its first call, not at start: building
 * them (every message of our package) takes most of a second of CPU, which sat on each service's
 * path to its first answer. The reflection services themselves (their methods) are known at once.
 */
function addLazyReflection(server: grpc.Server): void {
  let handlers: Map<string, grpc.UntypedServiceImplementation> | undefined;
  const byPath = (definition: grpc.ServiceDefinition) => Object.values(definition).map((m) => m.path).join(',');
  const real = (key: string): grpc.UntypedServiceImplementation => {
    if (!handlers) {
      const found = new Map<string, grpc.UntypedServiceImplementation>();
      new ReflectionService(packageDefinitionForReflection()).addToServer({
        addService: (definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) => found.set(byPath(definition), implementation),
      } as unknown as grpc.Server);
      handlers = found;
    }
    const implementation = handlers.get(key);
    if (!implementation) throw new Error(`reflection service ${key} is not known to @grpc/reflection`);
    return implementation;
  };
  // An empty package costs nothing to analyse; it only yields the reflection services' definitions.
  new ReflectionService({}).addToServer({
    addService: (definition: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) => {
      const key = byPath(definition);
      const lazy: grpc.UntypedServiceImplementation = {};
      for (const method of Object.keys(implementation)) {
        lazy[method] = ((call: unknown, callback: unknown) =>
          (real(key)[method] as (call: unknown, callback: unknown) => void)(call, callback)) as grpc.UntypedHandleCall;
      }
      server.addService(definition, lazy);
    },
  } as unknown as grpc.Server);
}

/**
 * Starts a gRPC server with our services, `grpc.health.v1.Health` and server reflection, behind the
 * auth interceptor; status messages are bounded in size. Throws when a service has a method the role table does not cover.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const unmapped = options.services.flatMap((s) => unmappedMethods(s.definition));
  if (unmapped.length > 0) throw new Error(`no role is defined for ${unmapped.join(', ')}: add them to libs/service-kit/src/security/roles.ts`);
  const server = new grpc.Server({ interceptors: [boundedStatusInterceptor(), authInterceptor(options.security.registry, options.logger)] });
  for (const service of options.services) server.addService(service.definition, service.implementation);

  const names = ['', ...options.services.map((s) => s.name)];
  const health = new HealthImplementation(Object.fromEntries(names.map((n) => [n, 'NOT_SERVING' as const])));
  health.addToServer(server);
  addLazyReflection(server);

  const address = `${options.host ?? '0.0.0.0'}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, options.security.credentials, (err, boundPort) => {
      if (err) {
        const inUse = /EADDRINUSE|address already in use|No address added/i.test(err.message);
        reject(
          inUse
            ? new ServiceError('PORT_IN_USE', `gRPC port ${address} is already in use: stop the other process or pass another --grpc-port`, { cause: err })
            : err,
        );
      } else resolve(boundPort);
    });
  });

  return {
    port,
    server,
    setServing(serving) {
      for (const name of names) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
    async shutdown(deadlineMs) {
      for (const name of names) health.setStatus(name, 'NOT_SERVING');
      const graceful = new Promise<'graceful'>((resolve) => server.tryShutdown(() => resolve('graceful')));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => resolve('forced'), deadlineMs);
      });
      const outcome = await Promise.race([graceful, timeout]);
      clearTimeout(timer);
      if (outcome === 'forced') server.forceShutdown();
      return outcome;
    },
  };
}
