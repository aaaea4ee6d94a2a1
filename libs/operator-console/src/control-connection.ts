/**
 * The operator's line to the coordinator's ControlService, over one or several replicas.
 *
 * - Calls go to the replica that leads: a replica that does not lead refuses with the leader's
 *   address (CoordinatorAddresses, as the workers' lease sessions do), and the call is sent there.
 * - A replica that does not answer, or answers UNAVAILABLE (starting, no leader known), is passed
 *   over for the next one in `--coordinator`; what the last one said decides the error.
 * - GetStatus is answered by any replica, but only the leader knows leases and progress: a reply
 *   without them that names another leader is asked again at the leader.
 * - Every failure ends as a ControlCallError naming what was tried and what to change.
 */
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { ControlServiceClient } from '@mirrormaker/proto';
import type * as pb from '@mirrormaker/proto';
import { CoordinatorAddresses, isNotLeaderRefusal, secureClient, type ClientSecurity } from '@mirrormaker/service-kit';
import { ControlCallError } from './control-call-error';

export interface ControlConnectionOptions {
  /** host:port of the coordinator, or of each replica separated by commas. */
  coordinator: string;
  security: ClientSecurity;
  /** Where the token came from, named in errors about it (e.g. "--token-file ops.token"); undefined: no token sent. */
  tokenSource?: string;
  /** Per call. @default 15000 */
  deadlineMs?: number;
}

/** The unary methods of ControlService with their request and response messages. */
interface ControlMethods {
  listFlows: [pb.ListFlowsRequest, pb.ListFlowsResponse];
  getFlow: [pb.GetFlowRequest, pb.GetFlowResponse];
  applyConfig: [pb.ApplyConfigRequest, pb.ApplyConfigResponse];
  patchFlow: [pb.PatchFlowRequest, pb.PatchFlowResponse];
  pauseFlow: [pb.PauseFlowRequest, pb.PauseFlowResponse];
  resumeFlow: [pb.ResumeFlowRequest, pb.ResumeFlowResponse];
  deleteFlow: [pb.DeleteFlowRequest, pb.DeleteFlowResponse];
  getStatus: [pb.GetStatusRequest, pb.GetStatusResponse];
  listInstances: [pb.ListInstancesRequest, pb.ListInstancesResponse];
  drainInstance: [pb.DrainInstanceRequest, pb.DrainInstanceResponse];
  translateGroupOffsets: [pb.TranslateGroupOffsetsRequest, pb.TranslateGroupOffsetsResponse];
  refresh: [pb.RefreshRequest, pb.RefreshResponse];
  prepareFailover: [pb.PrepareFailoverRequest, pb.PrepareFailoverResponse];
  failover: [pb.FailoverRequest, pb.FailoverResponse];
  failback: [pb.FailbackRequest, pb.FailbackResponse];
}
export type ControlMethod = keyof ControlMethods;
type RequestOf<M extends ControlMethod> = ControlMethods[M][0];
type ResponseOf<M extends ControlMethod> = ControlMethods[M][1];

/** What grpc-js itself says when it could not reach a server at all (as opposed to a server's answer). */
const NO_CONNECTION = /No connection established|Connection dropped|failed to connect|Name resolution failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|Deadline exceeded|Waiting for LB pick/i;
const TLS_FAILURE = /certificate|SSL|TLS|altnames|handshake/i;

function statusName(code: number | undefined): string {
  return code === undefined ? 'UNKNOWN' : (grpc.status[code] ?? String(code));
}

export class ControlConnection {
  private readonly addresses: CoordinatorAddresses;
  private readonly clients = new Map<string, ControlServiceClient>();
  private readonly deadlineMs: number;

  constructor(private readonly options: ControlConnectionOptions) {
    // Within one command every replica gets one try: an address that failed is not dialled again.
    this.addresses = new CoordinatorAddresses(options.coordinator, { now: () => performance.now(), skipUnreachableForMs: () => 2_000 });
    this.deadlineMs = options.deadlineMs ?? 15_000;
  }

  /** The replica calls go to now. */
  get address(): string {
    return this.addresses.current;
  }

  async call<M extends ControlMethod>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
    const tried: string[] = [];
    let last: grpc.ServiceError | undefined;
    // Each replica once, plus one hop to a leader that a replica named.
    for (let attempt = 0; attempt <= this.addresses.all.length; attempt++) {
      const address = this.addresses.current;
      tried.push(address);
      try {
        return await this.unary(address, method, request);
      } catch (err) {
        last = err as grpc.ServiceError;
        // UNAVAILABLE also covers a replica that is starting or does not lead: another one may serve.
        const retry = last.code === grpc.status.DEADLINE_EXCEEDED || last.code === grpc.status.UNAVAILABLE;
        if (!retry) throw this.describe(last, address, tried);
        this.addresses.moveOn(last);
      }
    }
    throw this.describe(last!, tried[tried.length - 1]!, tried);
  }

  /** GetStatus from the leader: a follower's reply holds no leases or progress. */
  async status(request: pb.GetStatusRequest = { flows: [] }): Promise<pb.GetStatusResponse> {
    const followers: string[] = [];
    // Each replica once, plus one hop to the leader a follower named.
    for (let attempt = 0; attempt <= this.addresses.all.length; attempt++) {
      const asked = this.address;
      const res = await this.call('getStatus', request);
      if (res.answeredBy !== 'follower') return res;
      followers.push(this.address);
      if (res.leaderAddress !== '' && res.leaderAddress !== asked) this.addresses.useLeader(res.leaderAddress);
      else this.addresses.next();
    }
    throw new ControlCallError(
      'UNREACHABLE',
      `only coordinator replicas that do not lead answered (${[...new Set(followers)].join(', ')}) and none named a leader it heard from lately: list every replica in --coordinator, or ask again once they have elected one`,
      { status: 'UNAVAILABLE', tried: followers },
    );
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(address: string): ControlServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      client = secureClient(ControlServiceClient, address, this.options.security);
      this.clients.set(address, client);
    }
    return client;
  }

  private unary<M extends ControlMethod>(address: string, method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
    const client = this.client(address) as unknown as Record<string, (r: unknown, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void>;
    return new Promise((resolve, reject) =>
      client[method]!.call(client, request, new grpc.Metadata(), { deadline: Date.now() + this.deadlineMs }, (err, res) => (err ? reject(err) : resolve(res as ResponseOf<M>))),
    );
  }

  private describe(err: grpc.ServiceError, address: string, tried: readonly string[]): ControlCallError {
    const status = statusName(err.code);
    const details = err.details || err.message;
    const context = { status, tried, cause: err };
    if (err.code === grpc.status.UNAUTHENTICATED) {
      const fix = this.options.tokenSource
        ? `the coordinator does not know the token from ${this.options.tokenSource}: use a token listed in its --tokens-file (npm run token makes one)`
        : 'no token was sent: give --token-file <file> or MM_TOKEN with a viewer or operator token';
      return new ControlCallError('CREDENTIAL', `coordinator ${address} refused the call (${details}); ${fix}`, context);
    }
    if (err.code === grpc.status.PERMISSION_DENIED) {
      return new ControlCallError('CREDENTIAL', `coordinator ${address} refused the call (${details}); use a token with that role (${this.options.tokenSource ?? 'no token sent'})`, context);
    }
    const unreachable = err.code === grpc.status.DEADLINE_EXCEEDED || (err.code === grpc.status.UNAVAILABLE && !isNotLeaderRefusal(err) && NO_CONNECTION.test(details));
    if (unreachable) {
      const fix = TLS_FAILURE.test(details)
        ? 'the TLS handshake failed: pass the CA that signed the coordinator certificate with --tls-ca and dial a name the certificate holds (or --insecure-plaintext for a coordinator without TLS)'
        : 'check --coordinator (host:port of its gRPC port, default 7000) and that the coordinator runs';
      return new ControlCallError('UNREACHABLE', `no coordinator answered (tried ${[...new Set(tried)].join(', ')}; last: ${details}); ${fix}`, context);
    }
    if (isNotLeaderRefusal(err)) {
      return new ControlCallError('UNREACHABLE', `no coordinator replica that leads answered (tried ${[...new Set(tried)].join(', ')}; last: ${details}); list every replica in --coordinator`, context);
    }
    return new ControlCallError('REJECTED', `${status}: ${details}`, context);
  }
}
