import { describeServiceProcess, listServicesByReflection, spawnService } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'coordinator', grpcServices: ['mirrormaker.v1.ControlService', 'mirrormaker.v1.LeaseService'] });

describe('coordinator process with --insecure-plaintext', () => {
  it('warns at start that anyone can change flows, and then answers without credentials', async () => {
    const svc = await spawnService('coordinator', ['--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', '--insecure-plaintext']);
    try {
      const warning = svc.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('INSECURE:'));
      expect(warning).toMatchObject({ level: 'warn', msg: expect.stringContaining('WITHOUT TLS AND WITHOUT AUTHENTICATION') });
      expect(await listServicesByReflection(`127.0.0.1:${svc.grpcPort}`)).toContain('mirrormaker.v1.ControlService');
    } finally {
      await svc.stop('SIGKILL');
    }
  });
});
