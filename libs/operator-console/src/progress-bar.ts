/** `[#########-----------]  45%`: how much of `total` is `done`, for a backlog being caught up. */
export function progressBar(done: bigint, total: bigint, width = 20): string {
  const fraction = total <= 0n ? 1 : Math.min(1, Math.max(0, Number((done * 1000n) / total) / 1000));
  const filled = Math.floor(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${`${Math.floor(fraction * 100)}%`.padStart(4)}`;
}
