/** Learning-rate schedule: linear warmup from 0 to the peak, then cosine decay to minFraction·peak. */
export function learningRateAt(step: number, totalSteps: number, peak: number, warmupFraction: number, minFraction: number): number {
  const warmup = Math.max(0, Math.round(warmupFraction * totalSteps));
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const span = Math.max(1, totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  const min = peak * minFraction;
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
}
