import { advertisedAddress } from './advertised-address';

describe('advertisedAddress', () => {
  it('uses the listen host and port', () => {
    expect(advertisedAddress({ host: '127.0.0.1', grpcPort: 7002, hostname: 'box' })).toEqual({ address: '127.0.0.1:7002' });
  });

  it('replaces a wildcard listen address by the machine name', () => {
    expect(advertisedAddress({ host: '0.0.0.0', grpcPort: 7002, hostname: 'box' })).toEqual({ address: 'box:7002' });
    expect(advertisedAddress({ host: '::', grpcPort: 7002, hostname: 'box' })).toEqual({ address: 'box:7002' });
  });

  it('prefers an explicit advertised host and brackets IPv6 literals', () => {
    expect(advertisedAddress({ host: '0.0.0.0', grpcPort: 7002, hostname: 'box', advertisedHost: 'offset-sync-0.svc' })).toEqual({
      address: 'offset-sync-0.svc:7002',
    });
    expect(advertisedAddress({ host: '::1', grpcPort: 7002, hostname: 'box' })).toEqual({ address: '[::1]:7002' });
  });

  it('advertises nothing, with the reason, when the port is picked at bind time', () => {
    const result = advertisedAddress({ host: '127.0.0.1', grpcPort: 0, hostname: 'box' });
    expect(result.address).toBeUndefined();
    expect(result).toHaveProperty('reason', expect.stringContaining('--grpc-port'));
  });
});
