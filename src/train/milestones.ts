/**
 * Milestone epochs: where a per-epoch curve (sparsity over training, memorisation of noisy labels) is summarised as
 * headline scalars, so that multi-seed runs give each point a mean, an interval and a paired difference.
 * 0 (initialisation), 1, then 5, 10, 20, 40, ... (doubling) below the last epoch, and the last epoch.
 */
export function milestoneEpochs(lastEpoch: number): number[] {
  if (!Number.isInteger(lastEpoch) || lastEpoch < 0) throw new RangeError(`lastEpoch must be an integer ≥ 0, got ${lastEpoch}`);
  const out = [0];
  if (lastEpoch >= 1) out.push(1);
  for (let e = 5; e < lastEpoch; e *= 2) out.push(e);
  if (lastEpoch > 1) out.push(lastEpoch);
  return out;
}
