/**
 * Histogram of neuron firing frequencies on [0, 1]: how many neurons fire on a given share of tokens.
 *
 * Convention: `bins` equal-width bins; bin i holds the frequencies in [i/bins, (i+1)/bins), the last bin is closed
 * ([1 - 1/bins, 1]), so a neuron that fires on every token lands in it. The bin of a neuron is computed from its
 * integer firing count as floor(count · bins / tokens), which is exact for integer counts: a neuron on an edge
 * lands in the bin that starts there (via the frequency, (29 / 50) · 50 = 28.999999999999996 would floor one bin low).
 */

/** Neuron counts per frequency bin. */
export interface FiringHistogram {
  /** bins + 1 edges from 0 to 1: edges[i] = i / bins. */
  edges: number[];
  /** Number of neurons in each bin (length bins); sums to the number of neurons. */
  counts: number[];
}

/** Bin edges 0, 1/bins, ..., 1. */
export function frequencyEdges(bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram bins must be a positive integer, got ${bins}`);
  return Array.from({ length: bins + 1 }, (_, i) => i / bins);
}

/**
 * Histogram of firing frequencies count[j] / tokens over the neurons j (see the module comment for the bins).
 * @param counts per neuron, the number of tokens on which it fired: integers in [0, tokens]
 * @param tokens the number of tokens the counts were taken over, > 0
 * @param bins number of equal-width bins on [0, 1] (default 20: 5% wide)
 */
export function firingHistogram(counts: ArrayLike<number>, tokens: number, bins = 20): FiringHistogram {
  const edges = frequencyEdges(bins);
  if (!(Number.isInteger(tokens) && tokens > 0)) throw new RangeError(`tokens must be a positive integer, got ${tokens}`);
  const out = new Array<number>(bins).fill(0);
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j];
    if (!(Number.isInteger(c) && c >= 0 && c <= tokens)) throw new RangeError(`neuron ${j} fired on ${c} of ${tokens} tokens; counts must be integers in [0, tokens]`);
    out[Math.min(bins - 1, Math.floor((c * bins) / tokens))]++;
  }
  return { edges, counts: out };
}
