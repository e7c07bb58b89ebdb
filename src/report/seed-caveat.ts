/**
 * What the deltas of a scorecard can say, stated next to them (scorecard.md, report.html, the run's summary line).
 * One seed: a delta carries the test set's sampling uncertainty only, never the seed-to-seed variation (init, batch
 * order, noise draws) that decides whether one method beats another, so it cannot compare methods. Several seeds:
 * each delta is printed with its paired 95% interval over the seeds.
 */
import type { Scorecard } from '../scorecard/scorecard.js';
import { deltaWithInterval, formatDelta, type MetricKind } from './format.js';

/** The command that reruns this configuration over 8 paired seeds. */
export function multiSeedCommand(card: Scorecard): string {
  return `topk-harness run --preset ${card.config.preset} --seeds 8 (or --config <your file> --seeds 8)`;
}

/**
 * The caveat of a single-seed run with deltas, or null (a multi-seed run, or a single model). Quotes the binomial
 * 95% half-width of the baseline's test accuracy on this test split: the only uncertainty one seed measures.
 */
export function singleSeedCaveat(card: Scorecard): string | null {
  if (card.statistics) return null;
  if (Object.keys(card.models).length < 2) return null;
  const acc = card.models[card.baseline]?.test.accuracy;
  const n = card.data.testCount;
  const half = acc === undefined || !(n > 0) ? null : 1.96 * Math.sqrt((acc * (1 - acc)) / n);
  return (
    `One seed: these deltas measure test-set uncertainty only${half === null ? '' : ` (test accuracy ±${formatDelta(half, 'fraction').slice(1)} at 95% on ${n.toLocaleString('en-US')} test images)`}` +
    ' and cannot compare methods: the seed-to-seed spread of a Top-k − baseline difference (initialisation, batch order, noise draws) is not in them. ' +
    `Run several paired seeds to compare: ${multiSeedCommand(card)}.`
  );
}

/** A headline delta cell: the difference, with its paired 95% interval when the run has statistics over seeds for the key. */
export function headlineDelta(card: Scorecard, model: string, key: string, delta: number, kind: MetricKind): string {
  const paired = card.statistics?.paired[model]?.[key];
  return paired && paired.low !== null && paired.high !== null ? deltaWithInterval({ ...paired, mean: delta }, kind) : formatDelta(delta, kind);
}
