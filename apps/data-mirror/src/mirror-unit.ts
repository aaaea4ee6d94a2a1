import type { UnitProgress } from '@mirrormaker/proto';
import type { HeldUnit } from '@mirrormaker/service-kit';

/** A leased unit as data-mirror runs it: a held unit that also reports its progress with each renewal. */
export interface MirrorUnit extends HeldUnit {
  progress(): UnitProgress;
}
