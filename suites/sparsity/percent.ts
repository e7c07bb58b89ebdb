/** The sparsity suite's percentage formats besides formatValue's (src/report/format.ts), for its tables and charts. */

/** One decimal: 0.1234 → 12.3%. */
export const pct1 = (v: number) => `${(100 * v).toFixed(1)}%`;
/** Up to 3 significant digits, no trailing zeros: 0.0625 → 6.25%, 0.1 → 10%. */
export const pctShort = (v: number) => `${Number((100 * v).toPrecision(3))}%`;
/** Small frequencies with 3 significant digits (the paper's least-used neuron fires on 0.001% of tokens). */
export const pctSmall = (v: number) => (v === 0 ? '0%' : `${(100 * v).toPrecision(3)}%`);
