/** Whether two lists name the same leases (unit and epoch) in the same order. */
export function sameLeases<Epoch>(a: ReadonlyArray<{ unitId: string; epoch: Epoch }>, b: ReadonlyArray<{ unitId: string; epoch: Epoch }>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].unitId !== b[i].unitId || a[i].epoch !== b[i].epoch) return false;
  return true;
}
