import type { GroupFilter } from '@mirrormaker/replication-policy';
import { isConsumerGroupListing, type GroupListingView } from './committed-offsets';

/**
 * The source consumer groups that pass the group filter, listed again once `refreshIntervalMs`
 * has passed (`refresh.groups.interval.seconds`), or only once when refreshing is off
 * (`refresh.groups.enabled=false`). Which of them get checkpoints is decided per round, from
 * their committed offsets.
 */
export class GroupDiscovery {
  private cached: string[] | undefined;
  private listedAt = 0;

  constructor(
    private readonly listGroups: () => Promise<readonly GroupListingView[]>,
    private readonly groupFilter: GroupFilter,
    private readonly refreshIntervalMs: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  async candidates(): Promise<readonly string[]> {
    const fresh = this.cached !== undefined && (this.refreshIntervalMs === null || this.now() - this.listedAt < this.refreshIntervalMs);
    if (fresh) return this.cached!;
    const listings = await this.listGroups();
    this.cached = listings
      .filter(isConsumerGroupListing)
      .map((listing) => listing.groupId)
      .filter((group) => this.groupFilter.shouldReplicateGroup(group))
      .sort();
    this.listedAt = this.now();
    return this.cached;
  }
}
