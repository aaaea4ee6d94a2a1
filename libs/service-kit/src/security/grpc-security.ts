/**
 * Turns the security flags into what the gRPC server and clients of a process use: server
 * credentials with the callers it accepts, and client credentials with the token it sends. Files are
 * read once at start; an unreadable or malformed one ends the start with one line naming it.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { ServiceError } from '../errors';
import { CallerRegistry } from './caller-registry';
import type { SecurityFlags } from './security-flags';

export interface ServerSecurity {
  credentials: grpc.ServerCredentials;
  /** The callers the server accepts; undefined means no authentication (explicit plaintext only). */
  registry?: CallerRegistry;
}

/** How this process calls other services: channel credentials plus an interceptor adding its token. */
export interface ClientSecurity {
  credentials: grpc.ChannelCredentials;
  interceptors: grpc.Interceptor[];
}

export interface GrpcSecurity {
  server: ServerSecurity;
  client: ClientSecurity;
  /** Said loudly at start: what is unprotected (empty with TLS and authentication). */
  warnings: string[];
}

function read(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ServiceError('SECURITY_SETUP', `cannot read ${flag} file '${path}': ${e.code ?? e.message}`, { cause: err });
  }
}

/** Sends `authorization: Bearer <token>` with every call. */
export function bearerTokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** Client security for plaintext, optionally with a token: for tests and tools talking to a plaintext service. */
export function plaintextClient(token?: string): ClientSecurity {
  return { credentials: grpc.credentials.createInsecure(), interceptors: token === undefined ? [] : [bearerTokenInterceptor(token)] };
}

/** Client security over TLS trusting `ca` (PEM), with an optional token and client certificate. */
export function tlsClient(ca: Buffer | null, token?: string, clientCert?: { cert: Buffer; key: Buffer }): ClientSecurity {
  return {
    credentials: grpc.credentials.createSsl(ca, clientCert?.key ?? null, clientCert?.cert ?? null),
    interceptors: token === undefined ? [] : [bearerTokenInterceptor(token)],
  };
}

/** Builds a client of a generated service with `security` (credentials and token interceptor). */
export function secureClient<C>(
  Client: new (address: string, credentials: grpc.ChannelCredentials, options?: Partial<grpc.ClientOptions>) => C,
  address: string,
  security: ClientSecurity,
  options: Partial<grpc.ClientOptions> = {},
): C {
  return new Client(address, security.credentials, { ...options, interceptors: [...security.interceptors, ...(options.interceptors ?? [])] });
}

/** Reads the files the flags name and builds the server and client security of this process. */
export function loadGrpcSecurity(flags: SecurityFlags): GrpcSecurity {
  const tokensText = flags.tokensFile === undefined ? undefined : { file: flags.tokensFile, text: read(flags.tokensFile, '--tokens-file').toString('utf8') };
  const subjectsText =
    flags.tlsClientSubjectsFile === undefined
      ? undefined
      : { file: flags.tlsClientSubjectsFile, text: read(flags.tlsClientSubjectsFile, '--tls-client-subjects-file').toString('utf8') };
  const registry = tokensText || subjectsText ? CallerRegistry.parse({ tokens: tokensText, subjects: subjectsText }) : undefined;
  const token = flags.tokenFile === undefined ? flags.token : read(flags.tokenFile, '--token-file').toString('utf8').trim();

  if (flags.insecurePlaintext) {
    const warnings = [
      registry
        ? 'gRPC runs WITHOUT TLS (--insecure-plaintext): bearer tokens and all data cross the network in clear text'
        : 'gRPC runs WITHOUT TLS AND WITHOUT AUTHENTICATION (--insecure-plaintext): anyone who reaches the port can change flows and take leases',
    ];
    return { server: { credentials: grpc.ServerCredentials.createInsecure(), registry }, client: plaintextClient(token), warnings };
  }
  const cert = read(flags.tlsCert!, '--tls-cert');
  const key = read(flags.tlsKey!, '--tls-key');
  const ca = flags.tlsCa === undefined ? null : read(flags.tlsCa, '--tls-ca');
  let credentials: grpc.ServerCredentials;
  try {
    // Fails now, naming the files, rather than at bind with a bare OpenSSL message.
    createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
    credentials = grpc.ServerCredentials.createSsl(flags.tlsClientAuth === 'require' ? ca : null, [{ cert_chain: cert, private_key: key }], flags.tlsClientAuth === 'require');
  } catch (err) {
    throw new ServiceError('SECURITY_SETUP', `--tls-cert ${flags.tlsCert}, --tls-key ${flags.tlsKey}${ca ? `, --tls-ca ${flags.tlsCa}` : ''} are unusable: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { server: { credentials, registry }, client: tlsClient(ca, token, { cert, key }), warnings: [] };
}

/** Server security without TLS and without authentication: for tests whose subject is not security. */
export function plaintextServer(): ServerSecurity {
  return { credentials: grpc.ServerCredentials.createInsecure() };
}
