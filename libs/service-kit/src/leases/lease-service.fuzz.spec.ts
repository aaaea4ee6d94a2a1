import * as grpc from '@grpc/grpc-js';
import { forEachSeed, randomText, type SeededRandom } from '@mirrormaker/lease/testing';
import { LeaseServiceClient, ServiceKind, type SessionRequest, type SessionResponse } from '@mirrormaker/proto';
import { startTestCoordinator, type TestCoordinator } from '../testing/test-coordinator';

// Lease sessions and Release with random, oversized and out-of-order messages: every session ends
// normally or with a status naming the problem (never INTERNAL or UNKNOWN), and the lease server
// keeps serving well-behaved workers afterwards.

const UNITS = ['partition/A->B/orders/0', 'partition/A->B/orders/1', 'groups/A->B/0', 'topics/A->B', 'acls/A->B'];
const REFUSALS = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION, grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED]);

const text = (rnd: SeededRandom): string =>
  rnd.chance(0.03) ? 'u'.repeat(rnd.int(100_000, 1_000_000)) : rnd.pick(['', ...UNITS, 'partition/A->B/orders/-1', 'partition//x/NaN', randomText(rnd, rnd.int(0, 40), '/->.:')]);
const int64 = (rnd: SeededRandom): bigint => rnd.pick([0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), rnd.bigint(-1000n, 1000n)]);
const held = (rnd: SeededRandom) => Array.from({ length: rnd.int(0, 4) }, () => ({ unitId: text(rnd), epoch: int64(rnd) }));

function randomMessage(rnd: SeededRandom, instanceId: string): SessionRequest {
  const id = rnd.chance(0.8) ? instanceId : text(rnd);
  switch (rnd.int(0, 3)) {
    case 0:
    case 1:
      return {
        message: {
          $case: 'register',
          value: {
            instanceId: id,
            kind: rnd.pick([ServiceKind.SERVICE_KIND_DATA_MIRROR, ServiceKind.SERVICE_KIND_OFFSET_SYNC, ServiceKind.SERVICE_KIND_UNSPECIFIED, 17 as ServiceKind]),
            capacity: rnd.pick([0, 1, -5, 2 ** 31 - 1]),
            version: text(rnd),
            held: held(rnd),
            seq: int64(rnd),
            advertisedAddress: text(rnd),
            appliedConfigRevision: int64(rnd),
            acceptsGrantsUnchanged: rnd.chance(0.5),
          },
        },
      };
    case 2:
      return {
        message: {
          $case: 'renew',
          value: {
            instanceId: id,
            held: held(rnd),
            heldUnchanged: rnd.chance(0.3),
            progress: Array.from({ length: rnd.int(0, 3) }, () => ({
              unitId: text(rnd),
              position: int64(rnd),
              sourceEndOffset: int64(rnd),
              recordsPerSecond: rnd.pick([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e308]),
              bytesPerSecond: rnd.pick([0, Number.NaN, 5]),
              stalledReason: text(rnd),
              latencyP50Ms: rnd.pick([0, -1, Number.NaN, 12.5]),
              latencyP99Ms: rnd.pick([0, Number.POSITIVE_INFINITY, 900]),
              latencySamples: int64(rnd),
              checkpoints: Array.from({ length: rnd.int(0, 2) }, () => ({ group: text(rnd), ageMs: int64(rnd) })),
            })),
            errors: Array.from({ length: rnd.int(0, 2) }, () => ({ unitId: text(rnd), cause: text(rnd), message: text(rnd), at: rnd.chance(0.5) ? new Date(0) : undefined })),
            seq: int64(rnd),
            appliedConfigRevision: int64(rnd),
            configError: text(rnd),
          },
        },
      };
    default:
      return { message: rnd.chance(0.5) ? { $case: 'goodbye', value: { instanceId: id } } : undefined };
  }
}

describe('LeaseService under bad input', () => {
  let coordinator: TestCoordinator;
  let client: LeaseServiceClient;

  beforeAll(async () => {
    coordinator = await startTestCoordinator(UNITS);
    client = new LeaseServiceClient(coordinator.address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 16 * 1024 * 1024 });
  });

  afterAll(async () => {
    client?.close();
    await coordinator?.stop();
  });

  /** Sends `messages` on one session, half-closes it, and resolves with how it ended. */
  function session(messages: SessionRequest[]): Promise<{ code: grpc.status; details: string }> {
    return new Promise((resolve) => {
      const call = client.session(new grpc.Metadata(), { deadline: Date.now() + 15_000 });
      call.on('data', () => undefined);
      call.on('error', (err: grpc.ServiceError) => resolve({ code: err.code, details: err.details }));
      call.on('status', (status: grpc.StatusObject) => {
        if (status.code === grpc.status.OK) resolve({ code: status.code, details: status.details });
      });
      for (const message of messages) call.write(message);
      call.end();
    });
  }

  it('ends every random session normally or with a refusal that says why, and keeps leasing', async () => {
    const runs: Array<{ seed: number; messages: SessionRequest[] }> = [];
    forEachSeed(1, 200, (rnd, seed) => {
      runs.push({ seed, messages: Array.from({ length: rnd.int(1, 4) }, () => randomMessage(rnd, `fuzz-${seed}`)) });
    });
    for (const { seed, messages } of runs) {
      const ended = await session(messages);
      if (ended.code !== grpc.status.OK && (!REFUSALS.has(ended.code) || ended.details === '')) {
        throw new Error(`seed ${seed}: session ended with ${grpc.status[ended.code]}: ${ended.details.slice(0, 300)}`);
      }
    }
    const releases: Array<{ instanceId: string; unitId: string; epoch: bigint }> = [];
    forEachSeed(1001, 100, (rnd) => releases.push({ instanceId: text(rnd), unitId: text(rnd), epoch: int64(rnd) }));
    for (const request of releases) {
      await new Promise<void>((resolve, reject) =>
        client.release(request, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (err) =>
          err && (!REFUSALS.has(err.code) || err.details === '') ? reject(new Error(`Release answered ${grpc.status[err.code]}: ${err.details.slice(0, 300)}`)) : resolve(),
        ),
      );
    }

    // A well-behaved worker still gets work.
    const call = client.session(new grpc.Metadata());
    const granted = new Promise<SessionResponse>((resolve) => call.on('data', resolve));
    call.on('error', () => undefined);
    call.write({
      message: {
        $case: 'register',
        value: { instanceId: 'well-behaved', kind: ServiceKind.SERVICE_KIND_ACL_SYNC, capacity: 0, version: 'test', held: [], seq: 1n, advertisedAddress: '', appliedConfigRevision: 0n, acceptsGrantsUnchanged: false },
      },
    });
    expect(await granted).toBeDefined();
    call.cancel();
  });
});
