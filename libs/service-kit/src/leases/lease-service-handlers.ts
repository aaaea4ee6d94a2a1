import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@mirrormaker/observability';
import type { LeaseServiceServer, SessionRequest, SessionResponse } from '@mirrormaker/proto';
import { UnknownSessionError, type LeaseManager, type SessionSink } from './lease-manager';

/** How often a session whose messages wait for a leader's confirmation looks again. */
const PAUSE_RECHECK_MS = 50;

/** Trailer naming the leading coordinator replica, on errors of replicas that do not lead. */
export const LEADER_METADATA_KEY = 'mirrormaker-leader';

/** Whether this process serves lease sessions now; a coordinator replica that does not lead says where the leader is. */
export type LeaseServingGate = () =>
  | { serving: true }
  | { serving: false; reason: string; leaderAddress?: string }
  /** Leads, but cannot act this moment (its leadership is being confirmed): messages wait, then are handled in order. */
  | { serving: false; pausing: true };

/** Ends a call with UNAVAILABLE, naming the leader (when known) in the trailers. */
export function notLeaderError(reason: string, leaderAddress?: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (leaderAddress) metadata.set(LEADER_METADATA_KEY, leaderAddress);
  return { code: grpc.status.UNAVAILABLE, details: leaderAddress ? `${reason}; the leader is at ${leaderAddress}` : reason, metadata };
}

/** gRPC handlers of mirrormaker.v1.LeaseService over a LeaseManager. */
export function leaseServiceHandlers(leases: LeaseManager, logger: Logger, gate: LeaseServingGate = () => ({ serving: true })): LeaseServiceServer {
  const log = logger.child({ component: 'lease-service' });
  return {
    session(call: grpc.ServerDuplexStream<SessionRequest, SessionResponse>) {
      let instanceId: string | undefined;
      let failed = false;
      const fail = (reason: string, leaderAddress?: string) => {
        if (failed) return;
        failed = true;
        call.emit('error', notLeaderError(reason, leaderAddress));
      };
      const sink: SessionSink = {
        send: (response) => {
          if (!call.writableEnded && !call.destroyed) call.write(response);
        },
        fail,
      };
      // Messages that arrived while this replica was confirming its leadership: handled, in order,
      // once it may act (dropping them lost the Register, and the session's next Renew was refused).
      const held: SessionRequest[] = [];
      let recheck: NodeJS.Timeout | undefined;
      const handle = (request: SessionRequest) => {
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
      };
      const proceed = () => {
        recheck = undefined;
        if (failed || call.destroyed) return;
        const open = gate();
        if (!open.serving) {
          // Unanswered meanwhile, the instance keeps its units until its own deadline.
          if ('pausing' in open) {
            recheck = setTimeout(proceed, PAUSE_RECHECK_MS);
            return;
          }
          held.length = 0;
          if (instanceId !== undefined) leases.disconnect(instanceId, sink);
          fail(open.reason, open.leaderAddress);
          return;
        }
        for (const request of held.splice(0)) handle(request);
      };
      call.on('data', (request: SessionRequest) => {
        held.push(request);
        if (recheck === undefined) proceed();
      });
      const closed = () => {
        clearTimeout(recheck);
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
      const open = gate();
      if (!open.serving) return callback('pausing' in open ? notLeaderError('this coordinator replica is confirming its leadership; retry') : notLeaderError(open.reason, open.leaderAddress));
      const { instanceId, unitId, epoch } = call.request;
      leases.release(instanceId, unitId, epoch);
      callback(null, {});
    },
  };
}
