import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '@mirrormaker/mm2-formats';
import { GroupMoveOutcome, TranslationMethod } from '@mirrormaker/proto';
import { dataAtRisk, groupMove, latestCheckpoints, partitionKey, partitionMoves, type MoveCandidate } from './failover-plan';

const candidate = (partition: number, offset: bigint): MoveCandidate => ({
  topic: 'primary.orders',
  partition,
  offset,
  fromTopic: 'orders',
  fromOffset: offset,
  recordsReread: 0n,
  method: TranslationMethod.TRANSLATION_METHOD_EXACT,
});

describe('partitionMoves', () => {
  it('writes where the destination has no offset or an earlier one, and never moves a group backwards', () => {
    const moves = partitionMoves([candidate(2, 50n), candidate(0, 10n), candidate(1, 20n)], new Map([
      [partitionKey('primary.orders', 1), 20n],
      [partitionKey('primary.orders', 2), 70n],
      [partitionKey('primary.orders', 0), 3n],
    ]));
    expect(moves.map((m) => [m.partition, m.offset, m.previousOffset, m.written])).toEqual([
      [0, 10n, 3n, true],
      [1, 20n, 20n, false],
      [2, 50n, 70n, false],
    ]);
    expect(partitionMoves([candidate(0, 5n)], new Map())[0]).toMatchObject({ previousOffset: -1n, written: true });
  });
});

describe('groupMove', () => {
  const moves = partitionMoves([candidate(0, 10n), candidate(1, 20n)], new Map([[partitionKey('primary.orders', 1), 30n]]));
  const situation = { group: 'billing', dryRun: false, membersOnDestination: 0, destination: 'dr', moves, untranslated: [] };

  it('moves an idle group and says what it wrote and what it kept', () => {
    const move = groupMove(situation);
    expect(move.outcome).toBe(GroupMoveOutcome.GROUP_MOVE_OUTCOME_MOVED);
    expect(move.detail).toBe('1 partition offset(s) written on dr, 1 already at or past the translation there (kept)');
    expect(groupMove({ ...situation, dryRun: true }).outcome).toBe(GroupMoveOutcome.GROUP_MOVE_OUTCOME_WOULD_MOVE);
  });

  it('moves what it could translate and says the rest needs another run', () => {
    const untranslated = [{ topic: 'orders', partition: 2, offset: 5n, reason: 'no segment' }];
    expect(groupMove({ ...situation, untranslated }).detail).toBe(
      '1 partition offset(s) written on dr, 1 already at or past the translation there (kept); 1 partition(s) not translated yet (see untranslated): run this again to move them',
    );
  });

  it('refuses a group with active members on the destination, writing nothing', () => {
    const move = groupMove({ ...situation, membersOnDestination: 2 });
    expect(move.outcome).toBe(GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOT_IDLE);
    expect(move.detail).toMatch(/2 active member\(s\) on dr: stop its consumers there/);
    expect(move.partitions.every((p) => !p.written)).toBe(true);
  });

  it('says why nothing moves', () => {
    const untranslated = [{ topic: 'orders', partition: 0, offset: 5n, reason: 'no segment' }];
    expect(groupMove({ ...situation, moves: [], untranslated })).toMatchObject({
      outcome: GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOTHING_TO_MOVE,
      detail: 'nothing to move for group billing: none of its 1 committed partition(s) could be translated',
      untranslated,
    });
  });
});

describe('dataAtRisk', () => {
  const partitions = [
    { topic: 'orders', partition: 1, position: 99n, lag: 0n },
    { topic: 'orders', partition: 0, position: 89n, lag: 4n },
    { topic: 'audit', partition: 0, position: -1n, lag: -1n },
  ];

  it('counts records on the source past what reached the target, from live end offsets when the source answers', () => {
    const live = new Map([
      [partitionKey('orders', 0), 97n],
      [partitionKey('orders', 1), 100n],
      [partitionKey('audit', 0), 3n],
    ]);
    expect(dataAtRisk(partitions, live).map((p) => [p.topic, p.partition, p.replicatedEnd, p.sourceEnd, p.recordsAtRisk, p.sourceEndLastKnown])).toEqual([
      ['audit', 0, 0n, 3n, 3n, false],
      ['orders', 0, 90n, 97n, 7n, false],
      ['orders', 1, 100n, 100n, 0n, false],
    ]);
  });

  it('falls back to the last reported end when the source is gone, and says when even that is unknown', () => {
    expect(dataAtRisk(partitions, undefined).map((p) => [p.topic, p.partition, p.sourceEnd, p.recordsAtRisk, p.sourceEndLastKnown])).toEqual([
      ['audit', 0, -1n, -1n, true],
      ['orders', 0, 94n, 4n, true],
      ['orders', 1, 100n, 0n, true],
    ]);
  });
});

describe('latestCheckpoints', () => {
  it('keeps the newest checkpoint of the group per partition, in the order they were written', () => {
    const cp = (group: string, partition: number, upstream: bigint): Checkpoint => {
      const bytes = encodeCheckpoint({ group, topic: 'primary.orders', partition, upstreamOffset: upstream, downstreamOffset: upstream, metadata: '' });
      return decodeCheckpoint(bytes.key, bytes.value);
    };
    const latest = latestCheckpoints([cp('billing', 0, 5n), cp('other', 0, 9n), cp('billing', 1, 3n), cp('billing', 0, 8n)], 'billing');
    expect(latest.map((c) => [c.partition, c.upstreamOffset])).toEqual([
      [0, 8n],
      [1, 3n],
    ]);
  });
});
