import * as grpc from '@grpc/grpc-js';
import { KafkaError } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { TranslationMethod, type TranslateOffsetsRequest, type TranslateOffsetsResponse } from '@mirrormaker/proto';
import { NotReadyError } from './not-ready-error';
import { offsetSyncHandlers, type TranslationSource } from './offset-sync-handlers';
import type { TranslatedPosition } from './translated-offsets';

const logger = createLogger({ service: 'test', level: 'silent' });

const position: TranslatedPosition = { topic: 'A.t', partition: 0, downstreamOffset: 4243n, upstreamOffset: 4321n, recordsReread: 78n, metadata: '', method: TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS };

function sourceWith(translate: (group: string) => Promise<TranslatedPosition[]>): TranslationSource {
  return {
    unitFor: (flow) => (flow === 'A->B' ? { translate, translateToSource: () => [] } : undefined),
    whyNoUnit: (flow) => ({ code: grpc.status.NOT_FOUND, message: `no ${flow}` }),
  };
}

function call(source: TranslationSource, request: TranslateOffsetsRequest): Promise<{ err: Partial<grpc.StatusObject> | null; res: TranslateOffsetsResponse | null }> {
  const handler = offsetSyncHandlers(source, logger).translateOffsets;
  return new Promise((resolve) =>
    handler({ request } as grpc.ServerUnaryCall<TranslateOffsetsRequest, TranslateOffsetsResponse>, (err, res) =>
      resolve({ err: err as Partial<grpc.StatusObject> | null, res: res ?? null }),
    ),
  );
}

describe('TranslateOffsets handler', () => {
  const flow = { source: 'A', target: 'B' };

  it("answers with the held unit's translation", async () => {
    const { err, res } = await call(sourceWith(async () => [position]), { flow, group: 'g' });
    expect(err).toBeNull();
    expect(res).toEqual({ offsets: [position] });
  });

  it('refuses a group id longer than Kafka can carry, before asking Kafka', async () => {
    const translate = jest.fn(async () => [position]);
    const { err } = await call(sourceWith(translate), { flow, group: 'g'.repeat(0x8000) });
    expect(err).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'group is 32768 bytes long; Kafka group ids are at most 32767 bytes' });
    expect(translate).not.toHaveBeenCalled();
  });

  it.each([
    [{ flow: undefined, group: 'g' }, grpc.status.INVALID_ARGUMENT],
    [{ flow: { source: 'A', target: '' }, group: 'g' }, grpc.status.INVALID_ARGUMENT],
    [{ flow, group: '' }, grpc.status.INVALID_ARGUMENT],
    [{ flow: { source: 'A', target: 'C' }, group: 'g' }, grpc.status.NOT_FOUND],
  ])('refuses %j with code %d', async (request, code) => {
    const { err } = await call(sourceWith(async () => [position]), request);
    expect(err?.code).toBe(code);
  });

  it.each([
    [new NotReadyError('offset syncs not read yet'), grpc.status.UNAVAILABLE],
    [new KafkaError('UNREACHABLE', 'no broker'), grpc.status.UNAVAILABLE],
    [new KafkaError('AUTHORIZATION_FAILED', 'no ACL'), grpc.status.PERMISSION_DENIED],
    [new Error('bug'), grpc.status.INTERNAL],
  ])('maps %s to code %d', async (error, code) => {
    const { err } = await call(
      sourceWith(async () => {
        throw error;
      }),
      { flow, group: 'g' },
    );
    expect(err).toMatchObject({ code, details: error.message });
  });
});
