/**
 * The server half of authentication and roles, run before every handler of every service on the
 * server (ours, health, reflection):
 *
 * 1. the method's requirement comes from the role table (roles.ts); `public` methods pass as they are;
 * 2. the caller is the owner of the bearer token in `authorization`, else the mapped common name of
 *    the verified client certificate; neither → UNAUTHENTICATED (a token that is sent but unknown
 *    is refused even when a certificate would have matched: a wrong credential is never ignored);
 * 3. a caller whose roles do not cover the requirement → PERMISSION_DENIED;
 * 4. the token is removed from the metadata the handler sees, and every change (an operator
 *    method) is logged with its caller and outcome when it ends.
 *
 * Without a registry (plaintext without --tokens-file, which the flags allow only explicitly) every
 * caller is `anonymous` with every role; changes are still logged.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@mirrormaker/observability';
import type { Caller, CallerRegistry } from './caller-registry';
import { isChange, requirementOf, rolesAllow, ROLES } from './roles';

const ANONYMOUS: Caller = { name: 'anonymous', roles: [...ROLES] };

type Verdict = { caller: Caller } | { refuse: { code: grpc.status; details: string } };

/** Decides who is calling and whether they may: the interceptor's logic without the call plumbing. */
export function authorizeCall(
  registry: CallerRegistry | undefined,
  path: string,
  metadata: grpc.Metadata,
  peerCommonName: string | undefined,
): Verdict {
  const needed = requirementOf(path);
  if (needed === undefined) return { refuse: { code: grpc.status.PERMISSION_DENIED, details: `${path} is not in the role table; nobody may call it` } };
  if (needed === 'public') return { caller: ANONYMOUS };
  if (!registry) return { caller: ANONYMOUS };
  const header = metadata.get('authorization')[0]?.toString();
  let caller: Caller | undefined;
  if (header !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    caller = token === undefined ? undefined : registry.byToken(token);
    if (!caller) return { refuse: { code: grpc.status.UNAUTHENTICATED, details: 'the bearer token is not recognised (check --token-file / MM_TOKEN)' } };
  } else if (peerCommonName !== undefined) {
    caller = registry.bySubject(peerCommonName);
    if (!caller) return { refuse: { code: grpc.status.UNAUTHENTICATED, details: `client certificate cn=${peerCommonName} is not in the client subjects file` } };
  } else {
    return { refuse: { code: grpc.status.UNAUTHENTICATED, details: "no credentials: send 'authorization: Bearer <token>' or a client certificate" } };
  }
  if (!rolesAllow(caller.roles, needed)) {
    return { refuse: { code: grpc.status.PERMISSION_DENIED, details: `${caller.name} (${caller.roles.join(',')}) may not call ${path}: it needs the ${needed} role` } };
  }
  return { caller };
}

function commonNameOf(call: grpc.ServerInterceptingCallInterface): string | undefined {
  const cn = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** The server interceptor enforcing the role table; `registry` undefined means no authentication. */
export function authInterceptor(registry: CallerRegistry | undefined, logger: Logger): grpc.ServerInterceptor {
  const log = logger.child({ component: 'grpc-auth' });
  return (method, call) => {
    const needed = requirementOf(method.path);
    let caller: Caller | undefined;
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const verdict = authorizeCall(registry, method.path, metadata, commonNameOf(call));
            if ('refuse' in verdict) {
              log.warn({ rpc: method.path, peer: call.getPeer(), code: grpc.status[verdict.refuse.code] }, verdict.refuse.details);
              call.sendStatus(verdict.refuse);
              return;
            }
            caller = verdict.caller;
            metadata.remove('authorization');
            nextMetadata(metadata);
          },
        });
      },
      sendStatus(status, next) {
        if (caller && needed !== undefined && isChange(needed)) {
          log.info({ rpc: method.path, caller: caller.name, peer: call.getPeer(), code: grpc.status[status.code ?? grpc.status.OK] }, `change by ${caller.name}`);
        }
        next(status);
      },
    });
  };
}
