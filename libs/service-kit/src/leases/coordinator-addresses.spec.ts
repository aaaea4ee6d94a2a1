import * as grpc from '@grpc/grpc-js';
import { CoordinatorAddresses } from './coordinator-addresses';
import { notLeaderError } from './lease-service-handlers';

function refusal(leader?: string): grpc.ServiceError {
  const status = notLeaderError('this coordinator replica does not lead', leader);
  return Object.assign(new Error(status.details), status) as grpc.ServiceError;
}

const unreachable = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: grpc.status.UNAVAILABLE, details: 'No connection established' });

describe('CoordinatorAddresses', () => {
  let now = 0;
  const addresses = (list: string) => new CoordinatorAddresses(list, { now: () => now, skipUnreachableForMs: () => 1000 });
  beforeEach(() => (now = 0));

  it('starts at the first address and refuses an empty list with the flag to fix', () => {
    expect(addresses(' a:1 , b:2 ').current).toBe('a:1');
    expect(() => addresses(' , ')).toThrow(/--coordinator host:port/);
  });

  it('goes to the leader a replica names, adding it when it was not listed', () => {
    const list = addresses('a:1,b:2');
    expect(list.moveOn(refusal('b:2'))).toEqual({ hinted: true });
    expect(list.current).toBe('b:2');
    expect(list.moveOn(refusal('c:3'))).toEqual({ hinted: true });
    expect(list.current).toBe('c:3');
    expect(list.all).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('passes over an address that did not answer while another one may', () => {
    const list = addresses('a:1,b:2,c:3');
    list.moveOn(unreachable); // a failed
    expect(list.current).toBe('b:2');
    list.moveOn(unreachable); // b failed
    expect(list.current).toBe('c:3');
    list.moveOn(refusal()); // c answered but names no leader: a and b are still skipped ... until all were tried
    expect(list.current).toBe('c:3');
    now = 2000;
    list.moveOn(refusal());
    expect(list.current).toBe('a:1');
  });
});
