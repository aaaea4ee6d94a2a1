import { DefaultGroupFilter } from '@mirrormaker/replication-policy';
import { GroupDiscovery } from './group-discovery';

describe('GroupDiscovery', () => {
  const listings = [
    { groupId: 'orders-app', protocolType: 'consumer' },
    { groupId: 'offsets-only', protocolType: '' },
    { groupId: 'console-consumer-42', protocolType: 'consumer' },
    { groupId: 'connect-cluster', protocolType: 'connect' },
    { groupId: '__internal', protocolType: 'consumer' },
    { groupId: 'a-worker', protocolType: 'connect' },
  ];

  it("keeps consumer groups that pass MM2's default group filter, sorted", async () => {
    const discovery = new GroupDiscovery(async () => listings, new DefaultGroupFilter(), 1000);
    expect(await discovery.candidates()).toEqual(['offsets-only', 'orders-app']);
  });

  it('lists again only once the refresh interval has passed', async () => {
    let now = 0;
    let calls = 0;
    const discovery = new GroupDiscovery(
      async () => {
        calls += 1;
        return [{ groupId: `g${calls}`, protocolType: 'consumer' }];
      },
      new DefaultGroupFilter(),
      1000,
      () => now,
    );
    expect(await discovery.candidates()).toEqual(['g1']);
    now = 999;
    expect(await discovery.candidates()).toEqual(['g1']);
    now = 1000;
    expect(await discovery.candidates()).toEqual(['g2']);
  });

  it('lists once when refreshing is off', async () => {
    let calls = 0;
    const discovery = new GroupDiscovery(
      async () => {
        calls += 1;
        return [];
      },
      new DefaultGroupFilter(),
      null,
      () => calls * 1_000_000,
    );
    await discovery.candidates();
    await discovery.candidates();
    expect(calls).toBe(1);
  });
});
