// TLS, tokens and roles over real gRPC on loopback, with certificates made for the test run.
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { ControlServiceClient, ControlServiceService, LeaseServiceService, ServiceKind } from '@mirrormaker/proto';
import { eventually } from '@mirrormaker/testing';
import { startGrpcServer, type GrpcServerHandle } from '../grpc-server';
import { LeaseClient } from '../leases/lease-client';
import { LeaseManager } from '../leases/lease-manager';
import { leaseServiceHandlers } from '../leases/lease-service-handlers';
import { checkHealth } from '../testing/service-probe';
import { testSecurity, type TestCaller } from '../testing/test-security';
import { withUnimplemented } from '../unimplemented';
import { loadGrpcSecurity, plaintextClient, secureClient, type ClientSecurity, type ServerSecurity } from './grpc-security';

const sec = testSecurity();
const logLines: Record<string, unknown>[] = [];
const logger = createLogger({
  service: 'auth-test',
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  }),
});
const units = [unitId({ kind: 'partition', flow: 'A->B', topic: 'orders', partition: 0 })];

interface Running {
  server: GrpcServerHandle;
  manager: LeaseManager;
  address: string;
  stop(): Promise<void>;
}

async function startServer(security: ServerSecurity): Promise<Running> {
  const manager = new LeaseManager({ ttlMs: 3000, renewIntervalMs: 300, graceMs: 0 }, logger, createMetricsRegistry({ service: 'coordinator', version: 't' }));
  const control = withUnimplemented(ControlServiceService, 'mirrormaker.v1.ControlService', {
    listFlows: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { flows: [], configRevision: 0n }),
    applyConfig: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { configRevision: 1n, warnings: [] }),
  });
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    security,
    logger,
    services: [
      { name: 'mirrormaker.v1.ControlService', definition: ControlServiceService, implementation: control },
      { name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: leaseServiceHandlers(manager, logger) },
    ],
  });
  server.setServing(true);
  manager.start();
  manager.setUnits(units);
  return {
    server,
    manager,
    address: `127.0.0.1:${server.port}`,
    async stop() {
      manager.stop();
      await server.shutdown(200);
    },
  };
}

function call(address: string, security: ClientSecurity, method: 'listFlows' | 'applyConfig' | 'deleteFlow'): Promise<unknown> {
  const client = secureClient(ControlServiceClient, address, security);
  const fn = (client as unknown as Record<string, (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void>)[method]!.bind(client);
  const request = method === 'applyConfig' ? { config: { $case: 'properties', value: 'clusters = A' }, dryRun: true } : {};
  return new Promise<unknown>((resolve, reject) => fn(request, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res)))).finally(() =>
    client.close(),
  );
}

const code = (c: grpc.status) => ({ code: c });

describe('gRPC over TLS with tokens and roles', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startServer(sec.server());
  });
  afterAll(() => running.stop());

  it('refuses a plaintext client (no TLS handshake, so no call reaches a handler)', async () => {
    await expect(call(running.address, plaintextClient(sec.tokens.operator), 'listFlows')).rejects.toMatchObject(code(grpc.status.UNAVAILABLE));
  });

  it('answers health without credentials, for probes', async () => {
    expect(await checkHealth(running.address, '', sec.client())).toBe('SERVING');
  });

  it('refuses a call without a token, or with an unknown one, as UNAUTHENTICATED', async () => {
    await expect(call(running.address, sec.client(), 'listFlows')).rejects.toMatchObject(code(grpc.status.UNAUTHENTICATED));
    const forged = { ...sec.client(), interceptors: plaintextClient('not-a-token').interceptors };
    await expect(call(running.address, forged, 'listFlows')).rejects.toMatchObject(code(grpc.status.UNAUTHENTICATED));
  });

  it('lets a viewer read but not change: ApplyConfig is PERMISSION_DENIED', async () => {
    await expect(call(running.address, sec.client('viewer'), 'listFlows')).resolves.toBeDefined();
    await expect(call(running.address, sec.client('viewer'), 'applyConfig')).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining('needs the operator role'),
    });
  });

  it('lets an operator read and change, and logs each change with its caller', async () => {
    await expect(call(running.address, sec.client('operator'), 'listFlows')).resolves.toBeDefined();
    await expect(call(running.address, sec.client('operator'), 'applyConfig')).resolves.toMatchObject({ configRevision: 1n });
    // Past the role check, the handler answers (this one is not implemented here).
    await expect(call(running.address, sec.client('operator'), 'deleteFlow')).rejects.toMatchObject(code(grpc.status.UNIMPLEMENTED));
    const changes = logLines.filter((l) => l.msg === 'change by test-operator').map((l) => [l.rpc, l.code]);
    expect(changes).toEqual([
      ['/mirrormaker.v1.ControlService/ApplyConfig', 'OK'],
      ['/mirrormaker.v1.ControlService/DeleteFlow', 'UNIMPLEMENTED'],
    ]);
  });

  it('keeps workers to the lease session: a worker may not even list flows', async () => {
    await expect(call(running.address, sec.client('worker'), 'listFlows')).rejects.toMatchObject(code(grpc.status.PERMISSION_DENIED));
  });

  describe('lease sessions', () => {
    const clients: LeaseClient[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.stop()));
    });

    function worker(id: string, caller: TestCaller | undefined): LeaseClient {
      const client = new LeaseClient({
        coordinator: running.address,
        instanceId: id,
        security: sec.client(caller),
        kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
        version: 't',
        logger,
        metrics: createMetricsRegistry({ service: 'data-mirror', version: 't' }),
        startUnit: async () => ({ stop: async () => undefined }),
        renewIntervalMs: 300,
        backoff: { initialMs: 50, maxMs: 200 },
      });
      clients.push(client);
      client.start();
      return client;
    }

    it('registers a worker with the worker credential and grants it units', async () => {
      worker('real-worker', 'worker');
      await eventually('the unit granted to real-worker', () => [...running.manager.state.leases.values()].some((l) => l.holder === 'real-worker' && l.state === 'active'), {
        timeoutMs: 10_000,
      });
    });

    it('never registers a fake instance without the worker credential (no token, or an operator token)', async () => {
      const fakes = [worker('fake-no-token', undefined), worker('fake-operator', 'operator')];
      // Each says why in its health, instead of blaming an unreachable coordinator.
      await eventually('both sessions refused', () => fakes.every((f) => /refused this instance: .*has the worker role/.test(f.sessionState())), { timeoutMs: 10_000 });
      expect([...running.manager.state.instances.keys()]).not.toContain('fake-no-token');
      expect([...running.manager.state.instances.keys()]).not.toContain('fake-operator');
    });
  });
});

describe('gRPC with client certificates (mTLS)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startServer(sec.server({ subjects: '# mTLS callers\noperator ops-cli\n' }));
  });
  afterAll(() => running.stop());

  it('takes a mapped certificate subject as the caller, and logs its changes as cn=<name>', async () => {
    await expect(call(running.address, sec.client(undefined, 'ops-cli'), 'applyConfig')).resolves.toBeDefined();
    expect(logLines.some((l) => l.msg === 'change by cn=ops-cli')).toBe(true);
  });

  it('refuses a certificate whose subject is not mapped, and a client without a certificate', async () => {
    await expect(call(running.address, sec.client(undefined, 'stranger'), 'listFlows')).rejects.toMatchObject(code(grpc.status.UNAUTHENTICATED));
    await expect(call(running.address, sec.client('operator'), 'listFlows')).rejects.toMatchObject(code(grpc.status.UNAVAILABLE));
  });
});

describe('loading the TLS files', () => {
  it('names the files of a certificate and key that do not belong together', () => {
    const a = sec.ca.issue('pair-a');
    const b = sec.ca.issue('pair-b');
    expect(() => loadGrpcSecurity({ tlsCert: a.cert, tlsKey: b.key, tlsClientAuth: 'none', insecurePlaintext: false, tokensFile: sec.tokensFile })).toThrow(
      /--tls-cert .*pair-a\.crt, --tls-key .*pair-b\.key are unusable/,
    );
  });
});
