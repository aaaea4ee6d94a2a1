import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@mirrormaker/observability';
import type { LeaseServiceServer, SessionRequest, SessionResponse } from '@mirrormaker/proto';
import { UnknownSessionError, type LeaseManager, type SessionSink } from './lease-manager';

/** gRPC handlers of mirrormaker.v1.LeaseService over a LeaseManager. */
export function leaseServiceHandlers(leases: LeaseManager, logger: Logger): LeaseServiceServer {
  const log = logger.child({ component: 'lease-service' });
  return {
    session(call: grpc.ServerDuplexStream<SessionRequest, SessionResponse>) {
      let instanceId: string | undefined;
      const sink: SessionSink = {
        send: (response) => {
          if (!call.writableEnded && !call.destroyed) call.write(response);
        },
      };
      call.on('data', (request: SessionRequest) => {
        try {
          const message = request.message;
          if (message?.$case === 'register') {
            instanceId = message.value.instanceId;
            leases.register(message.value, sink);
          } else if (message?.$case === 'renew') {
            if (instanceId === undefined) throw new Error('send Register before Renew on a session');
            leases.renew(message.value, sink);
          } else if (message?.$case === 'goodbye') {
            if (instanceId !== undefined) leases.goodbye(instanceId, sink);
          }
        } catch (err) {
          const stale = err instanceof UnknownSessionError;
          log.warn({ instance: instanceId, err: (err as Error).message }, stale ? 'renewal on a replaced session; closing it' : 'bad session message');
          call.emit('error', { code: stale ? grpc.status.FAILED_PRECONDITION : grpc.status.INVALID_ARGUMENT, details: (err as Error).message });
        }
      });
      const closed = () => {
        if (instanceId !== undefined) leases.disconnect(instanceId, sink);
      };
      // Only an explicit Goodbye lets the instance's units move at once: a half-close also arrives
      // when a client cancels a session it gave up on (and will replace), so it is no goodbye.
      call.on('end', () => {
        closed();
        call.end();
      });
      call.on('cancelled', closed);
      call.on('error', closed);
    },
    release(call, callback) {
      const { instanceId, unitId, epoch } = call.request;
      leases.release(instanceId, unitId, epoch);
      callback(null, {});
    },
  };
}
