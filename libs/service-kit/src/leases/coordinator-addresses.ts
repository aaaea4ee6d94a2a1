import type * as grpc from '@grpc/grpc-js';
import { LEADER_METADATA_KEY } from './lease-service-handlers';

/** The leader a coordinator replica named in the trailers of a refused call, if it named one. */
export function leaderHintOf(err: unknown): string | undefined {
  return (err as grpc.ServiceError | undefined)?.metadata?.get?.(LEADER_METADATA_KEY)[0]?.toString() || undefined;
}

/** Whether the replica answered but does not lead (so it is up, just not the one to talk to). */
export function isNotLeaderRefusal(err: unknown): boolean {
  return /does not lead/.test((err as grpc.ServiceError | undefined)?.details ?? '');
}

/**
 * The coordinator replicas a client may call (`--coordinator host:port[,host:port...]`) and which
 * one it calls now. After a failed call `moveOn` goes to the leader the refusing replica named
 * (added to the list when it was not in it), else to the next replica that has not failed to
 * answer lately. Used by the workers' lease client and by operator tools alike.
 */
export class CoordinatorAddresses {
  private readonly list: string[];
  private index = 0;
  /** When an address last failed to answer (monotonic ms). */
  private readonly unreachableSince = new Map<string, number>();

  constructor(
    addresses: string,
    private readonly options: {
      /** Monotonic clock in ms. */
      now: () => number;
      /** How long an address that did not answer is passed over while others remain. */
      skipUnreachableForMs: () => number;
    },
  ) {
    this.list = addresses
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (this.list.length === 0) throw new Error('no coordinator address given (--coordinator host:port[,host:port...])');
  }

  /** The address calls go to now. */
  get current(): string {
    return this.list[this.index]!;
  }

  /** Every address known: those given, then leaders named by replicas. */
  get all(): readonly string[] {
    return this.list;
  }

  /** Calls go to `address` from now on (added to the list when new); true when that is a change. */
  useLeader(address: string): boolean {
    if (!this.list.includes(address)) this.list.push(address);
    const leader = this.list.indexOf(address);
    const moved = leader !== this.index;
    this.index = leader;
    return moved;
  }

  /** Moves on after `err` on the current address; `hinted` is true when a replica named a different leader. */
  moveOn(err?: unknown): { hinted: boolean } {
    const hint = leaderHintOf(err);
    if (hint) return { hinted: this.useLeader(hint) };
    // A replica that answered (but does not lead) is up; one that did not is skipped for a while.
    if (!isNotLeaderRefusal(err)) this.unreachableSince.set(this.current, this.options.now());
    this.next();
    return { hinted: false };
  }

  /** Goes to the next address that has not failed to answer lately (the current one when all have). */
  next(): void {
    const now = this.options.now();
    const reachable = (a: string) => now - (this.unreachableSince.get(a) ?? -Infinity) > this.options.skipUnreachableForMs();
    for (let step = 1; step <= this.list.length; step++) {
      const next = (this.index + step) % this.list.length;
      if (reachable(this.list[next]!) || step === this.list.length) {
        this.index = next;
        break;
      }
    }
  }
}
