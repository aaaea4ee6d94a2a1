/**
 * What a worker does with the units it holds once their leases could have run out while no
 * coordinator replica answers at all (every address unreachable, silent, or only saying it does not
 * lead). See docs/architecture.md, "When no coordinator answers".
 *
 * - `stop` (the default): stop each unit at its lease deadline. Nothing runs on a lease nobody can
 *   vouch for, so nothing is ever copied twice because of the outage.
 * - `keep-working`: keep copying until a leader answers again, then re-present the units and obey
 *   its answer. Exactly-once flows stay free of duplicates (the transactional producer of a new
 *   holder fences this one); at-least-once flows may copy records twice if the leader granted the
 *   units elsewhere meanwhile. Nothing is lost either way.
 *
 * A revocation, or an answer that no longer lists a unit, stops it under either setting.
 */
export const WHEN_COORDINATORS_UNREACHABLE = ['stop', 'keep-working'] as const;

export type WhenCoordinatorsUnreachable = (typeof WHEN_COORDINATORS_UNREACHABLE)[number];

export function isWhenCoordinatorsUnreachable(value: string): value is WhenCoordinatorsUnreachable {
  return (WHEN_COORDINATORS_UNREACHABLE as readonly string[]).includes(value);
}
