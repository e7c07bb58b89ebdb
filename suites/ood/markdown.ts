/** The ood suite's Markdown section (scorecard.md). */
import { formatDelta, formatValue, markdownTable } from 'topk-harness/suites';
import { FIGURE_SCORE, OOD_SCORES, SCORE_LABEL } from './scores.js';
import type { OodMetrics, OodResult } from './types.js';

const pct = (v: number) => formatValue(v, 'fraction');
const pts = (v: number) => formatDelta(v, 'fraction');

const TABLE_METRICS: [keyof OodMetrics, string][] = [['auroc', 'AUROC ↑'], ['auprIn', 'AUPR-in ↑'], ['fpr95', 'FPR@95%TPR ↓']];

/** The suite's Markdown section: one side-by-side table, the conventions, the ROC figures. */
export function oodMarkdown(r: OodResult, names: string[], files: string[]): string {
  const others = names.slice(1);
  const header = ['OOD set', 'score', 'metric', ...names, ...others.map((n) => `Δ ${n} − ${names[0]}`)];
  const rows = r.sets.flatMap(({ dataset }) => OOD_SCORES.flatMap((s) => TABLE_METRICS.map(([k, label]) => {
    const v = (n: string) => r.models[n][dataset][s][k];
    return [dataset, SCORE_LABEL[s], label, ...names.map((n) => pct(v(n))), ...others.map((n) => pts(v(n) - v(names[0])))];
  })));
  return [
    '## Out-of-distribution detection',
    '',
    `In-distribution: the ${r.inDistribution.dataset} test split (${r.inDistribution.count} images). Out-of-distribution: ` +
      r.sets.map((s) => `${s.dataset} (${s.count === s.total ? `${s.count} test images` : `the first ${s.count} of ${s.total} test images`})`).join(', ') + '.',
    '',
    markdownTable(header, rows, ['l', 'l', 'l']),
    '',
    `Conventions: the positive class is in-distribution; each score is oriented so that higher = more in-distribution ` +
      `(energy = logsumexp of the logits). Tied scores form one threshold: AUROC counts a tied pair as ½, AUPR-in is ` +
      `step-wise average precision (as scikit-learn's). FPR@95%TPR is the fraction of OOD images accepted at the highest ` +
      `threshold t that accepts at least 95% of the in-distribution images (score >= t). ↑ higher is better, ↓ lower is ` +
      `better. AUPR-out (OOD positive) is in the JSON result.`,
    '',
    ...files.map((f, i) => `![ROC curves, ${SCORE_LABEL[FIGURE_SCORE]} score, OOD set ${r.sets[i].dataset}](${f})`),
    '',
  ].join('\n');
}
