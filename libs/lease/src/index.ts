export { LEASE_ERROR_CODES, LeaseError, isLeaseError, type LeaseErrorCode } from './errors';
export { SERVICE_KINDS, isServiceKind, type ServiceKind } from './service-kind';
export {
  SERVICE_KIND_FOR_UNIT,
  UNIT_KINDS,
  parseUnitId,
  serviceKindOf,
  unitId,
  type UnitId,
  type UnitKind,
  type UnitRef,
} from './unit-id';
export {
  addUnits,
  createLeaseTable,
  leasesOf,
  registerInstance,
  removeInstance,
  removeUnits,
  setUnits,
  type CreateLeaseTableOptions,
  type Instance,
  type InstanceId,
  type InstanceRegistration,
  type Lease,
  type LeaseTable,
  type WorkUnit,
} from './lease-table';
export { balanceTargets, type BalanceCandidate } from './balance-targets';
export {
  assign,
  quietPeriodEnd,
  type AssignResult,
  type Grant,
  type LeaseTimings,
  type Revocation,
  type RevocationReason,
} from './assign';
export { renew, type HeldLease, type LostReason, type RenewResult } from './renew';
export { release, type ReleaseResult } from './release';
export { drain } from './drain';
export { restoreLease, restoreLeases, type PresentedLeaseResult, type RestoreRejection, type RestoreResult } from './restore-lease';
