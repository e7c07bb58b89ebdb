/**
 * Out-of-distribution detection suite: how well each model's own confidence separates the run's test images
 * (in-distribution) from images of another dataset (out-of-distribution, OOD). For each model, OOD set and score
 * (max softmax probability, max logit, energy): AUROC, AUPR-in, AUPR-out and FPR at 95% TPR; conventions in
 * src/metrics/ood.ts and in CONVENTION below. Writes one ROC figure per OOD set (MSP score, one curve per model).
 *
 * Written against the public plugin API only ('topk-harness/suites', 'topk-harness/metrics'), as a user's suite would be.
 *
 * Options (`suiteOptions.ood`):
 * - `datasets`: OOD sets among mnist, fashion-mnist, synthetic; never the run's own dataset. Default: the other one of
 *   MNIST ↔ Fashion-MNIST when the run uses one of them, plus synthetic.
 * - `limit`: use only the first N images of each OOD set (in the loader's order, not a random subset; default: whole
 *   sets). The in-distribution set is always the run's whole test split (data.limitTest already applies to it).
 */
import * as path from 'node:path';
import { oodDetectionMetrics, rocCurve, energyScore, maxLogit, maxSoftmaxProbability } from 'topk-harness/metrics';
import {
  defineSuite, escapeXml, formatDelta, formatValue, HarnessInputError, perModel, predictDataset, writeFileAtomic,
  type Dataset, type DataSplits, type ExtraDatasetName, type RunConfig, type SuiteContext, type SuiteHeadline,
} from 'topk-harness/suites';

/** The datasets the harness can load as OOD sets (SuiteContext.loadTestSet). */
export const OOD_DATASETS: readonly ExtraDatasetName[] = ['mnist', 'fashion-mnist', 'synthetic'];

/** The scores, each oriented higher = more in-distribution. */
export const OOD_SCORES = ['msp', 'maxLogit', 'energy'] as const;
export type OodScoreName = (typeof OOD_SCORES)[number];

/** FPR is reported at this TPR (the literature's FPR95). */
export const TPR = 0.95;

/** The score the ROC figures and the headline use: MSP, the baseline every OOD paper reports. */
export const FIGURE_SCORE: OodScoreName = 'msp';

const OPTION_FIELDS = ['datasets', 'limit'] as const;

/** MNIST and Fashion-MNIST come only at their native size; loadTestSet refuses them for runs with other images. */
const NATIVE_SHAPE: Partial<Record<ExtraDatasetName, readonly [number, number, number]>> = { mnist: [28, 28, 1], 'fashion-mnist': [28, 28, 1] };

const SCORE_LABEL: Record<OodScoreName, string> = { msp: 'MSP', maxLogit: 'max logit', energy: 'energy (T = 1)' };

export const CONVENTION =
  'Scores are oriented so that higher = more in-distribution: msp = max softmax probability, maxLogit = max logit, ' +
  'energy = logsumexp of the logits (negative free energy, T = 1). The positive class is in-distribution (AUROC, ' +
  'AUPR-in, TPR); AUPR-out makes OOD the positive class with negated scores. Tied scores form one threshold: AUROC ' +
  'counts a tied (in, OOD) pair as 1/2, AUPR is step-wise average precision (as scikit-learn\'s average_precision_score). ' +
  'fpr95 = #(OOD >= t) / n_OOD at the largest threshold t with #(in >= t) / n_in >= 0.95. Fractions 0..1.';

/** The options after defaults. */
export interface OodOptions {
  /** OOD sets, in report order. */
  datasets: ExtraDatasetName[];
  /** First N images of each OOD set; null = whole sets. */
  limit: number | null;
}

/** The four metrics of one (model, OOD set, score), fractions 0..1. */
export interface OodMetrics {
  auroc: number;
  auprIn: number;
  auprOut: number;
  /** FPR at 95% TPR (lower is better). */
  fpr95: number;
}

export interface OodResult {
  /** The conventions in words (CONVENTION). */
  convention: string;
  /** The options used (after defaults). */
  limit: number | null;
  /** Score of the ROC figures and the headline. */
  figureScore: OodScoreName;
  inDistribution: { dataset: string; count: number };
  /** count = images used; total = images in the loaded test split. */
  sets: { dataset: ExtraDatasetName; count: number; total: number }[];
  /** model → OOD dataset → score → metrics. */
  models: Record<string, Record<string, Record<OodScoreName, OodMetrics>>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Options

/** The default OOD sets for a run on `runDataset`: the other of MNIST ↔ Fashion-MNIST where there is one, plus synthetic. */
export function defaultOodDatasets(runDataset: string): ExtraDatasetName[] {
  const other: Record<string, ExtraDatasetName> = { mnist: 'fashion-mnist', 'fashion-mnist': 'mnist' };
  return [...(other[runDataset] !== undefined ? [other[runDataset]] : []), 'synthetic' as const].filter((d) => d !== runDataset);
}

/** Validate `suiteOptions.ood` and apply the defaults. Throws HarnessInputError naming the field and the allowed values. */
export function parseOodOptions(options: unknown, runDataset: string): OodOptions {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw new HarnessInputError(`suiteOptions.ood must be an object { datasets?: string[], limit?: number }, got ${show(options)}`, 'suiteOptions.ood');
  }
  const o = (options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(OPTION_FIELDS as readonly string[]).includes(key)) {
      throw new HarnessInputError(`suiteOptions.ood.${key} is not an option of the ood suite. Allowed: ${OPTION_FIELDS.join(', ')}`, `suiteOptions.ood.${key}`);
    }
  }
  const field = 'suiteOptions.ood.datasets';
  const allowed = OOD_DATASETS.filter((d) => d !== runDataset);
  let datasets: ExtraDatasetName[];
  if (o.datasets === undefined || o.datasets === null) {
    datasets = defaultOodDatasets(runDataset);
    if (datasets.length === 0) {
      throw new HarnessInputError(
        `suite 'ood' has no default out-of-distribution set for data.dataset '${runDataset}': set ${field} to one or more of ${allowed.join(', ')}`, field);
    }
  } else {
    if (!Array.isArray(o.datasets) || o.datasets.length === 0) {
      throw new HarnessInputError(`${field} must be a non-empty list of dataset names (${allowed.join(', ')}), got ${show(o.datasets)}`, field);
    }
    datasets = [];
    for (const d of o.datasets as unknown[]) {
      if (typeof d !== 'string' || !(OOD_DATASETS as readonly string[]).includes(d)) {
        throw new HarnessInputError(`${field}: unknown dataset ${show(d)}. Allowed: ${allowed.join(', ')}`, field);
      }
      if (d === runDataset) {
        throw new HarnessInputError(`${field}: '${d}' is the run's own dataset (data.dataset), so it is not out-of-distribution. Allowed: ${allowed.join(', ')}`, field);
      }
      if ((datasets as string[]).includes(d)) throw new HarnessInputError(`${field} lists '${d}' twice`, field);
      datasets.push(d as ExtraDatasetName);
    }
  }
  const limit = o.limit ?? null;
  if (limit !== null && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1)) {
    throw new HarnessInputError(`suiteOptions.ood.limit must be a positive integer (images per OOD set) or null for whole sets, got ${show(limit)}`, 'suiteOptions.ood.limit');
  }
  return { datasets, limit: limit as number | null };
}

/** Early check: the options, and that each OOD set can be loaded at the run's image size. */
function check(config: RunConfig, data: DataSplits, options: unknown): void {
  const { datasets } = parseOodOptions(options, config.data.dataset);
  const { height, width, channels } = data.test;
  for (const d of datasets) {
    const shape = NATIVE_SHAPE[d];
    if (shape !== undefined && (shape[0] !== height || shape[1] !== width || shape[2] !== channels)) {
      const hint = config.data.dataset !== 'synthetic' ? " Use 'synthetic' instead (drawn at the run's size)." : '';
      throw new HarnessInputError(
        `suiteOptions.ood.datasets: '${d}' has ${shape.join('×')} images but the run's are ${height}×${width}×${channels}, ` +
          `so the models cannot read them.${hint}`,
        'suiteOptions.ood.datasets',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Run

async function run(ctx: SuiteContext) {
  const opts = parseOodOptions(ctx.options, ctx.config.data.dataset);
  const batchSize = ctx.config.train.evalBatchSize;
  const inData = ctx.data.test;
  const names = ctx.models.map((m) => m.name);

  // in-distribution scores per model: the scorecard's own test pass where it matches, else one pass here
  const inScores = new Map<string, Record<OodScoreName, Float64Array>>();
  for (const m of ctx.models) {
    const p = ctx.testPredictions.get(m.name);
    const logits = p !== undefined && p.count === inData.count
      ? { logits: p.logits, numClasses: p.numClasses }
      : await predictDataset(m.classifier, inData, { batchSize, progress: ctx.progress(`ood ${m.name} on ${inData.name}`), model: m.name });
    inScores.set(m.name, scores(logits.logits, logits.numClasses));
  }

  const models: OodResult['models'] = Object.fromEntries(names.map((n) => [n, {}]));
  const sets: OodResult['sets'] = [];
  const files: string[] = [];
  for (const name of opts.datasets) {
    const full = await ctx.loadTestSet(name);
    const set = firstImages(full, opts.limit);
    sets.push({ dataset: name, count: set.count, total: full.count });
    ctx.log(`ood: ${name}, ${set.count} of ${full.count} test images`);
    const curves: RocSeries[] = [];
    for (const m of ctx.models) {
      const out = await predictDataset(m.classifier, set, { batchSize, progress: ctx.progress(`ood ${m.name} on ${name}`), model: m.name });
      const outScores = scores(out.logits, out.numClasses);
      const mine = inScores.get(m.name)!;
      const perScore = {} as Record<OodScoreName, OodMetrics>;
      for (const s of OOD_SCORES) {
        const r = oodDetectionMetrics(mine[s], outScores[s], TPR);
        perScore[s] = { auroc: r.auroc, auprIn: r.auprIn, auprOut: r.auprOut, fpr95: r.fprAtTpr };
      }
      models[m.name][name] = perScore;
      curves.push({ model: m.name, auroc: perScore[FIGURE_SCORE].auroc, ...rocCurve(mine[FIGURE_SCORE], outScores[FIGURE_SCORE]) });
    }
    const file = `ood/roc-${name}.svg`;
    writeFileAtomic(path.join(ctx.outDir, file), rocSvg(curves, { inName: inData.name, inCount: inData.count, outName: name, outCount: set.count }));
    files.push(file);
  }

  const result: OodResult = {
    convention: CONVENTION,
    limit: opts.limit,
    figureScore: FIGURE_SCORE,
    inDistribution: { dataset: inData.name, count: inData.count },
    sets,
    models,
  };
  ctx.log(`ood: ${sets.map((s) => `${s.dataset} AUROC (MSP) ${names.map((n) => `${n} ${pct(models[n][s.dataset].msp.auroc)}`).join(', ')}`).join('; ')}`);
  return { result, markdown: oodMarkdown(result, names, files), files };
}

/** The three scores of every row of a [N, C] logit matrix. */
function scores(logits: Float32Array, numClasses: number): Record<OodScoreName, Float64Array> {
  return { msp: maxSoftmaxProbability(logits, numClasses), maxLogit: maxLogit(logits, numClasses), energy: energyScore(logits, numClasses) };
}

/** The first `limit` images of d (a view, no copy); d itself when limit is null or covers it. */
function firstImages(d: Dataset, limit: number | null): Dataset {
  if (limit === null || limit >= d.count) return d;
  const size = d.height * d.width * d.channels;
  return { ...d, images: d.images.subarray(0, limit * size), labels: d.labels.subarray(0, limit), count: limit };
}

function headline(result: OodResult): SuiteHeadline[] {
  return result.sets.flatMap(({ dataset }) => [
    { key: `${dataset}/${FIGURE_SCORE}/auroc`, label: `OOD AUROC vs ${dataset} (${SCORE_LABEL[FIGURE_SCORE]})`, kind: 'fraction' as const, values: perModel(result.models, (m) => m[dataset]?.[FIGURE_SCORE].auroc ?? null) },
    { key: `${dataset}/${FIGURE_SCORE}/fpr95`, label: `OOD FPR@95%TPR vs ${dataset} (${SCORE_LABEL[FIGURE_SCORE]})`, kind: 'fraction' as const, values: perModel(result.models, (m) => m[dataset]?.[FIGURE_SCORE].fpr95 ?? null) },
  ]);
}

export default defineSuite<OodResult>({
  name: 'ood',
  version: 1,
  description: 'out-of-distribution detection: AUROC, AUPR and FPR@95%TPR of MSP, max-logit and energy scores against other datasets',
  check,
  run,
  headline,
});

// ---------------------------------------------------------------------------------------------------------------
// Markdown

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
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '## Out-of-distribution detection',
    '',
    `In-distribution: the ${r.inDistribution.dataset} test split (${r.inDistribution.count} images). Out-of-distribution: ` +
      r.sets.map((s) => `${s.dataset} (${s.count === s.total ? `${s.count} test images` : `the first ${s.count} of ${s.total} test images`})`).join(', ') + '.',
    '',
    line(header),
    line([...header.slice(0, 3).map(() => '---'), ...header.slice(3).map(() => '---:')]),
    ...rows.map(line),
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

// ---------------------------------------------------------------------------------------------------------------
// ROC figure (hand-written SVG: self-contained, no scripts or external fonts)

interface RocSeries {
  model: string;
  auroc: number;
  fpr: Float64Array;
  tpr: Float64Array;
}

const PALETTE = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860'];
const DASHES = ['', '7,4', '2,3', '10,3,2,3'];
const FONT = "Helvetica, Arial, 'DejaVu Sans', sans-serif";

/** One ROC panel: one curve per model, chance diagonal, 95% TPR line, legend with each model's AUROC. */
export function rocSvg(series: RocSeries[], o: { inName: string; inCount: number; outName: string; outCount: number }): string {
  const [ml, mt, side, legendW, mb] = [64, 44, 280, 190, 62];
  const width = ml + side + 16 + legendW;
  const height = mt + side + mb;
  const x = (v: number) => r2(ml + v * side);
  const y = (v: number) => r2(mt + (1 - v) * side);
  const title = `ROC, ${SCORE_LABEL[FIGURE_SCORE]} score: ${o.inName} vs ${o.outName}`;
  const s: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT)}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${x(0.5)}" y="${mt - 18}" font-size="14" font-weight="bold" text-anchor="middle" fill="#222222">${escapeXml(title)}</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    s.push(`<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" stroke="#e6e6e6"/>`, `<line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" stroke="#e6e6e6"/>`);
    s.push(`<text x="${x(t)}" y="${r2(mt + side + 16)}" font-size="11" text-anchor="middle" fill="#222222">${100 * t}%</text>`);
    s.push(`<text x="${ml - 6}" y="${r2(mt + (1 - t) * side + 4)}" font-size="11" text-anchor="end" fill="#222222">${100 * t}%</text>`);
  }
  s.push(`<rect x="${ml}" y="${mt}" width="${side}" height="${side}" fill="none" stroke="#222222"/>`);
  s.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999999" stroke-dasharray="4,4"/>`); // chance
  s.push(`<line x1="${x(0)}" y1="${y(TPR)}" x2="${x(1)}" y2="${y(TPR)}" stroke="#999999" stroke-dasharray="1,3"/>`);
  // above the line at the left: the region above a ROC curve is empty there
  s.push(`<text x="${ml + 4}" y="${r2(mt + (1 - TPR) * side - 3)}" font-size="10" fill="#666666">${100 * TPR}% TPR</text>`);
  series.forEach((c, i) => {
    const pts = thin(c.fpr, c.tpr).map(([f, t]) => `${x(f)},${y(t)}`).join(' ');
    const dash = DASHES[i % DASHES.length];
    s.push(`<polyline points="${pts}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    const ly = mt + 10 + 20 * i;
    const lx = ml + side + 16;
    s.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    s.push(`<text x="${lx + 30}" y="${ly + 4}" font-size="11" fill="#222222">${escapeXml(`${c.model} (AUROC ${pct(c.auroc)})`)}</text>`);
  });
  s.push(`<text x="${x(0.5)}" y="${r2(mt + side + 34)}" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(`false positive rate: ${o.outName} images accepted`)}</text>`);
  s.push(`<text transform="translate(${ml - 42} ${r2(mt + side / 2)}) rotate(-90)" font-size="12" text-anchor="middle" fill="#222222">${escapeXml(`true positive rate: ${o.inName} accepted`)}</text>`);
  s.push(`<text x="8" y="${height - 8}" font-size="10" fill="#444444">${escapeXml(`in: ${o.inCount} ${o.inName} test images · out: ${o.outCount} ${o.outName} images · accepted = score >= threshold`)}</text>`);
  s.push('</svg>');
  return s.join('\n') + '\n';
}

/** Drop ROC points closer than 1/500 (in both axes) to the last kept one: under half a pixel, and ~1k points at most. */
function thin(fpr: Float64Array, tpr: Float64Array): [number, number][] {
  const out: [number, number][] = [[fpr[0], tpr[0]]];
  for (let i = 1; i < fpr.length; i++) {
    const [f, t] = out[out.length - 1];
    if (i === fpr.length - 1 || Math.abs(fpr[i] - f) >= 0.002 || Math.abs(tpr[i] - t) >= 0.002) out.push([fpr[i], tpr[i]]);
  }
  return out;
}

function r2(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}
