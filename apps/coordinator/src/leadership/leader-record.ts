/**
 * Records of the coordinators' leader topic (compacted, one partition, on the home cluster):
 * - key `leader`: written by the leader only, inside a transaction of the one transactional id all
 *   replicas share, so a replica that was fenced (another took the id over) can no longer write it;
 * - key `member/<id>`: every replica's own status (role, config revision), written by each.
 */
export const LEADER_KEY = 'leader';
/** Highest lease epoch per unit, written by the leader in its heartbeat transaction when they changed. */
export const EPOCHS_KEY = 'epochs';
export const MEMBER_KEY_PREFIX = 'member/';

export interface LeaderRecord {
  /** Increases with every leadership; a worker never follows a lower term than one it has seen. */
  term: number;
  leaderId: string;
  /** host:port where the leader serves gRPC. */
  address: string;
  /** Wall-clock ms of the write (informational). */
  at: number;
  /** The leader stopped on purpose: the others take over at once instead of waiting out a silence. */
  resigned?: boolean;
  /**
   * The first record of a leadership (written by the takeover): its writer acts on none before a
   * later record of its own, so a replica taking over after it need not wait for it to age.
   * Records without it (older versions) count as confirmations.
   */
  takeover?: boolean;
}

export interface MemberRecord {
  id: string;
  address: string;
  role: 'leader' | 'follower';
  configRevision: number;
  at: number;
}

export function encodeRecord(record: LeaderRecord | MemberRecord): Buffer {
  return Buffer.from(JSON.stringify(record), 'utf8');
}

function parse(value: Buffer | null): Record<string, unknown> | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function decodeLeader(value: Buffer | null): LeaderRecord | undefined {
  const o = parse(value);
  if (!o || typeof o.term !== 'number' || typeof o.leaderId !== 'string' || typeof o.address !== 'string') return undefined;
  return {
    term: o.term,
    leaderId: o.leaderId,
    address: o.address,
    at: typeof o.at === 'number' ? o.at : 0,
    ...(o.resigned === true ? { resigned: true } : {}),
    ...(o.takeover === true ? { takeover: true } : {}),
  };
}

export function decodeMember(value: Buffer | null): MemberRecord | undefined {
  const o = parse(value);
  if (!o || typeof o.id !== 'string' || (o.role !== 'leader' && o.role !== 'follower')) return undefined;
  return {
    id: o.id,
    address: typeof o.address === 'string' ? o.address : '',
    role: o.role,
    configRevision: typeof o.configRevision === 'number' ? o.configRevision : 0,
    at: typeof o.at === 'number' ? o.at : 0,
  };
}

export function encodeEpochs(epochs: ReadonlyMap<string, number>): Buffer {
  return Buffer.from(JSON.stringify(Object.fromEntries(epochs)), 'utf8');
}

export function decodeEpochs(value: Buffer | null): Map<string, number> | undefined {
  const o = parse(value);
  if (!o) return undefined;
  return new Map(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isSafeInteger(e[1]) && e[1] > 0));
}
