import * as grpc from '@grpc/grpc-js';

/**
 * Handlers answering UNIMPLEMENTED for every method of a service, so a service can be registered
 * (visible in reflection and health) before its methods exist. Pass real handlers to override.
 */
export function withUnimplemented(
  definition: grpc.ServiceDefinition,
  serviceName: string,
  handlers: grpc.UntypedServiceImplementation = {},
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [method, attrs] of Object.entries(definition)) {
    if (handlers[method]) {
      implementation[method] = handlers[method];
      continue;
    }
    const error = { code: grpc.status.UNIMPLEMENTED, details: `${serviceName}/${attrs.path.split('/').pop()} is not implemented in this version` };
    implementation[method] =
      attrs.requestStream || attrs.responseStream
        ? (call: grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>) => call.emit('error', error)
        : (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(error, null);
  }
  return implementation;
}
