import * as grpc from '@grpc/grpc-js';
import type { ControlServiceClient } from '@mirrormaker/proto';

/** Calls a ControlService method by name with a 15 s deadline, as a promise (for tests). */
export function controlCall<Req, Res>(client: ControlServiceClient, method: string, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    (client as unknown as Record<string, (r: Req, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => void>)[method](
      req,
      new grpc.Metadata(),
      { deadline: Date.now() + 15_000 },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
}
