/**
 * Numerically stable softmax and log-sum-exp over the rows of a flat row-major matrix.
 * Stability: the row maximum m is subtracted before exp, so exp never overflows and the largest term is
 * exp(0) = 1 (the sum is >= 1, its log never -Infinity). Inputs are assumed finite (validated by the caller).
 */

/** softmax(z / temperature) per row, as a new Float64Array. `temperature` > 0, default 1. */
export function softmaxRows(z: ArrayLike<number>, numClasses: number, temperature = 1): Float64Array {
  const n = z.length / numClasses;
  const out = new Float64Array(z.length);
  const inv = 1 / temperature;
  for (let i = 0, o = 0; i < n; i++, o += numClasses) {
    let m = -Infinity;
    for (let k = 0; k < numClasses; k++) if (z[o + k] > m) m = z[o + k];
    let s = 0;
    for (let k = 0; k < numClasses; k++) {
      const e = Math.exp((z[o + k] - m) * inv);
      out[o + k] = e;
      s += e;
    }
    const r = 1 / s;
    for (let k = 0; k < numClasses; k++) out[o + k] *= r;
  }
  return out;
}

/** log Σ_k exp(z[offset + k] * beta), stably; beta > 0. */
export function logSumExpRow(z: ArrayLike<number>, offset: number, numClasses: number, beta = 1): number {
  let m = -Infinity;
  for (let k = 0; k < numClasses; k++) if (z[offset + k] > m) m = z[offset + k];
  let s = 0;
  for (let k = 0; k < numClasses; k++) s += Math.exp((z[offset + k] - m) * beta);
  return m * beta + Math.log(s);
}
