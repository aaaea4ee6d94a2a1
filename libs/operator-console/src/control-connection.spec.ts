import * as grpc from '@grpc/grpc-js';
import { createLogger } from '@mirrormaker/observability';
import { ControlServiceService, GetStatusResponse } from '@mirrormaker/proto';
import { notLeaderError, plaintextClient, plaintextServer, startGrpcServer, withUnimplemented, type GrpcServerHandle } from '@mirrormaker/service-kit';
import { ControlConnection } from './control-connection';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A coordinator replica over real loopback gRPC: `role` decides what it answers. */
async function replica(role: () => { leads: true } | { leads: false; leader: string }): Promise<GrpcServerHandle & { address: string; calls: string[] }> {
  const calls: string[] = [];
  const handlers = withUnimplemented(ControlServiceService, 'mirrormaker.v1.ControlService', {
    getStatus: (_call: unknown, callback: grpc.sendUnaryData<GetStatusResponse>) => {
      calls.push('getStatus');
      const r = role();
      callback(null, {
        ...GetStatusResponse.fromPartial({ configRevision: 1n }),
        answeredBy: r.leads ? 'leader' : 'follower',
        leaderAddress: r.leads ? '' : r.leader,
        instances: r.leads ? [{ instanceId: 'dm-1', kind: 1, unitIds: [], draining: false, version: 'v', appliedConfigRevision: 1n, configError: '' }] : [],
      });
    },
    pauseFlow: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      calls.push('pauseFlow');
      const r = role();
      if (r.leads) callback(null, { flow: { ref: { source: 'a', target: 'b' }, enabled: true, paused: true, settings: {} } });
      else callback(notLeaderError('this coordinator replica does not lead', r.leader || undefined), null);
    },
  });
  const server = await startGrpcServer({ host: '127.0.0.1', port: 0, services: [{ name: 'mirrormaker.v1.ControlService', definition: ControlServiceService, implementation: handlers }], security: plaintextServer(), logger });
  return Object.assign(server, { address: `127.0.0.1:${server.port}`, calls });
}

describe('ControlConnection', () => {
  const servers: GrpcServerHandle[] = [];
  const connections: ControlConnection[] = [];
  const connect = (coordinator: string) => {
    const c = new ControlConnection({ coordinator, security: plaintextClient(), deadlineMs: 3000 });
    connections.push(c);
    return c;
  };
  afterEach(async () => {
    for (const c of connections.splice(0)) c.close();
    await Promise.all(servers.splice(0).map((s) => s.shutdown(100)));
  });

  it('asks the leader a follower names for status, and sends changes there too', async () => {
    const leader = await replica(() => ({ leads: true }));
    const follower = await replica(() => ({ leads: false, leader: leader.address }));
    servers.push(leader, follower);
    const control = connect(follower.address);
    expect((await control.status()).instances.map((i) => i.instanceId)).toEqual(['dm-1']);
    expect(control.address).toBe(leader.address);
    await control.call('pauseFlow', { flow: { source: 'a', target: 'b' } });
    expect(follower.calls).toEqual(['getStatus']);
    expect(leader.calls).toEqual(['getStatus', 'pauseFlow']);
  });

  it('follows the leader named in a refusal of a change', async () => {
    const leader = await replica(() => ({ leads: true }));
    const follower = await replica(() => ({ leads: false, leader: leader.address }));
    servers.push(leader, follower);
    const res = await connect(follower.address).call('pauseFlow', { flow: { source: 'a', target: 'b' } });
    expect(res.flow?.paused).toBe(true);
    expect(follower.calls).toEqual(['pauseFlow']);
  });

  it('fails with UNREACHABLE when only followers that know no leader answer', async () => {
    const lost = await replica(() => ({ leads: false, leader: '' }));
    servers.push(lost);
    const err = await connect(lost.address).status().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNREACHABLE', exitCode: 3, message: expect.stringContaining('list every replica in --coordinator') });
  });

  it('fails with REJECTED carrying the status name for what the server refuses', async () => {
    const leader = await replica(() => ({ leads: true }));
    servers.push(leader);
    const err = await connect(leader.address).call('listFlows', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REJECTED', exitCode: 1, status: 'UNIMPLEMENTED' });
  });
});
