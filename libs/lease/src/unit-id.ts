import { LeaseError } from './errors';
import type { ServiceKind } from './service-kind';

export const UNIT_KINDS = ['partition', 'heartbeat', 'groups', 'topics', 'acls'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** Which service kind does each kind of work. */
export const SERVICE_KIND_FOR_UNIT: Readonly<Record<UnitKind, ServiceKind>> = Object.freeze({
  partition: 'data-mirror',
  heartbeat: 'data-mirror',
  groups: 'offset-sync',
  topics: 'topic-config-sync',
  acls: 'acl-sync',
});

/** A unit of leased work; `flow` is the MM2 flow name `source->target`. */
export type UnitRef =
  | { readonly kind: 'partition'; readonly flow: string; readonly topic: string; readonly partition: number }
  | { readonly kind: 'heartbeat'; readonly flow: string }
  | { readonly kind: 'groups'; readonly flow: string; readonly shard: number }
  | { readonly kind: 'topics'; readonly flow: string }
  | { readonly kind: 'acls'; readonly flow: string };

/**
 * Stable string id of a unit: the kind, then its fields, separated by `/`, e.g.
 * `partition/A->B/orders/3`, `groups/A->B/0`, `heartbeat/A->B`. `%` and `/` inside a field are
 * percent-encoded, so any flow or topic name round-trips.
 */
export type UnitId = string;

export function unitId(ref: UnitRef): UnitId {
  requireField(ref.flow, 'flow');
  switch (ref.kind) {
    case 'partition':
      requireField(ref.topic, 'topic');
      requireIndex(ref.partition, 'partition');
      return `partition/${escape(ref.flow)}/${escape(ref.topic)}/${ref.partition}`;
    case 'groups':
      requireIndex(ref.shard, 'shard');
      return `groups/${escape(ref.flow)}/${ref.shard}`;
    case 'heartbeat':
    case 'topics':
    case 'acls':
      return `${ref.kind}/${escape(ref.flow)}`;
  }
}

export function parseUnitId(id: UnitId): UnitRef {
  const parts = id.split('/');
  const [kind] = parts;
  const fail = (): never => {
    throw new LeaseError('INVALID_UNIT_ID', `not a work unit id: "${id}"`);
  };
  const field = (index: number): string => {
    const value = unescape(parts[index]);
    return value === '' ? fail() : value;
  };
  const index = (at: number): number => (/^(0|[1-9]\d*)$/.test(parts[at]) ? Number(parts[at]) : fail());
  switch (kind) {
    case 'partition':
      return parts.length === 4 ? { kind, flow: field(1), topic: field(2), partition: index(3) } : fail();
    case 'groups':
      return parts.length === 3 ? { kind, flow: field(1), shard: index(2) } : fail();
    case 'heartbeat':
    case 'topics':
    case 'acls':
      return parts.length === 2 ? { kind, flow: field(1) } : fail();
    default:
      return fail();
  }
}

/** The service kind that serves a unit. */
export function serviceKindOf(unit: UnitId | UnitRef): ServiceKind {
  const ref = typeof unit === 'string' ? parseUnitId(unit) : unit;
  return SERVICE_KIND_FOR_UNIT[ref.kind];
}

function escape(value: string): string {
  return value.replace(/%/g, '%25').replace(/\//g, '%2F');
}

function unescape(value: string): string {
  return value.replace(/%(25|2F)/gi, (match) => (match === '%25' ? '%' : '/'));
}

function requireField(value: string, name: string): void {
  if (typeof value !== 'string' || value === '') throw new LeaseError('INVALID_UNIT_ID', `unit ${name} must be a non-empty string`);
}

function requireIndex(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new LeaseError('INVALID_UNIT_ID', `unit ${name} must be a non-negative integer`);
}
