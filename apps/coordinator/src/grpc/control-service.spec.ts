// TranslateGroupOffsets is forwarded to the offset-sync instance holding the flow: over TLS and
// with the coordinator's own token, which the offset-sync server checks like any other caller's.
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '@mirrormaker/observability';
import { OffsetSyncServiceService, TranslationMethod, type TranslateGroupOffsetsResponse, type TranslatedOffset } from '@mirrormaker/proto';
import { startGrpcServer, type GrpcServerHandle, type ClientSecurity } from '@mirrormaker/service-kit';
import { testSecurity } from '@mirrormaker/service-kit/testing';
import type { Coordinator } from '../coordinator';
import { controlServiceHandlers } from './control-service';

const logger = createLogger({ service: 'control-test', level: 'silent' });
const sec = testSecurity();
const offsets: TranslatedOffset[] = [
  { topic: 'source.orders', partition: 0, downstreamOffset: 42n, upstreamOffset: 40n, recordsReread: 0n, metadata: '', method: TranslationMethod.TRANSLATION_METHOD_UNSPECIFIED },
];

describe('TranslateGroupOffsets forwarding', () => {
  let offsetSync: GrpcServerHandle;
  const seenCallers: string[] = [];

  beforeAll(async () => {
    offsetSync = await startGrpcServer({
      host: '127.0.0.1',
      port: 0,
      security: sec.server(),
      logger,
      services: [
        {
          name: 'mirrormaker.v1.OffsetSyncService',
          definition: OffsetSyncServiceService,
          implementation: {
            translateOffsets: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
              // The interceptor takes the token out before the handler sees the call.
              seenCallers.push(call.metadata.get('authorization').join(''));
              cb(null, { offsets });
            },
          },
        },
      ],
    });
  });
  afterAll(() => offsetSync.shutdown(200));

  function forward(client: ClientSecurity): Promise<TranslateGroupOffsetsResponse> {
    const coordinator = { offsetSyncHolder: () => ({ instance: 'offset-sync-1', address: `127.0.0.1:${offsetSync.port}` }) } as unknown as Coordinator;
    const handlers = controlServiceHandlers(coordinator, logger, client);
    const call = { request: { flow: { source: 'source', target: 'target' }, group: 'g' } } as grpc.ServerUnaryCall<never, never>;
    return new Promise((resolve, reject) => handlers.translateGroupOffsets(call, (err, res) => (err ? reject(err) : resolve(res!))));
  }

  it('carries the coordinator credential, so offset-sync answers it', async () => {
    await expect(forward(sec.client('services'))).resolves.toEqual({ offsets });
    expect(seenCallers).toEqual(['']);
  });

  it('is refused by offset-sync without a credential, and says so', async () => {
    await expect(forward(sec.client())).rejects.toMatchObject({ code: grpc.status.UNAUTHENTICATED });
  });
});

describe('Failover and Failback requests', () => {
  it.each(['prepareFailover', 'failover', 'failback'] as const)('%s refuses a group id longer than Kafka can carry, before touching a cluster', async (method) => {
    const flowConfig = jest.fn();
    const handlers = controlServiceHandlers({ flowConfig } as unknown as Coordinator, logger, sec.client('services'));
    const call = { request: { flow: { source: 'source', target: 'target' }, groups: ['g', 'x'.repeat(40_000)], dryRun: true } } as grpc.ServerUnaryCall<never, never>;
    const err = await new Promise((resolve) => (handlers[method] as unknown as grpc.handleUnaryCall<never, never>)(call, (e) => resolve(e)));
    expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'group is 40000 bytes long; Kafka group ids are at most 32767 bytes' });
    expect(flowConfig).not.toHaveBeenCalled();
  });
});
