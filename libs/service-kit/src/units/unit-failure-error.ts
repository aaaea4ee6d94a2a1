import type { UnitFailure } from './unit-failure';

/** A failed call with its explanation, thrown through a unit's run so the loop can decide what next. */
export class UnitFailureError<Cause extends string = string, Action extends string = string> extends Error {
  constructor(readonly failure: UnitFailure<Cause, Action>) {
    super(failure.message);
    this.name = 'UnitFailureError';
  }
}

/** A unit throws only failures of its own causes and actions, so it may name them here. */
export function isUnitFailureError<Cause extends string = string, Action extends string = string>(error: unknown): error is UnitFailureError<Cause, Action> {
  return error instanceof UnitFailureError;
}
