/**
 * The study report (STUDY.md): claim-by-claim tables from a multi-seed scorecard's statistics, and figures averaged
 * over its seed folders. Every number in the tables is a value of the aggregate scorecard (`statistics.metrics` means
 * and `statistics.paired` differences with their 95% t intervals over seeds), formatted as scorecard.md formats
 * them; the paper's numbers come from docs/conventions.md#the-papers-table-1 (the ICLR submission's Table 1: ViT-B/16 vs Top-128 ViT on
 * ImageNet-1k), and are labelled as the paper's.
 *
 * A claim's verdict: "not distinguishable from 0" when the paired 95% interval covers zero, else "Top-k better" or
 * "Top-k worse" in the claim's direction. Paired = the same seed gives both models the same data, init, noise and
 * batch order; the interval is over seeds (t with n − 1 degrees of freedom; src/scorecard/statistics.ts).
 */
import { HarnessInputError } from '../errors.js';
import { readSeedScorecards } from '../scorecard/seed-scorecards.js';
import type { Scorecard } from '../scorecard/scorecard.js';
import { pairedDifference, type PairedDifference, type Summary } from '../scorecard/statistics.js';
import { milestoneEpochs } from '../train/milestones.js';
import { lineChartSvg, PALETTE } from './charts.js';
import { deltaWithInterval, formatDelta, formatValue, kLabel, percentTick } from './format.js';

export { deltaWithInterval } from './format.js';
import { sideBySide } from './side-by-side.js';
import { Comparison, formatP, holmFamily, holmVerdict, pairedP, powerFacts } from './study-inference.js';
import { markdownTable } from './markdown-table.js';

/** A measure the study reports: a scorecard statistics key, its direction, and the paper's values where it has one. */
export interface StudyMeasure {
  label: string;
  /** Key in statistics.metrics / statistics.paired: a headline metric ('test.accuracy') or 'suites.<suite>.<key>'. */
  key: string;
  kind: 'fraction' | 'number';
  better: 'higher' | 'lower';
  /** The paper's ViT and Top-128 ViT values (docs/conventions.md#the-papers-table-1), or null. */
  paper: { vanilla: number; topk: number } | null;
  /** The claim family it tests: Holm's correction runs within a family (every row of it × every Top-k model). */
  family: string;
}

/** The paper's Table 1 (docs/conventions.md#the-papers-table-1), row by row, with the scorecard key that measures the same thing here. */
export const PAPER_CLAIMS: readonly StudyMeasure[] = [
  { label: 'clean test accuracy', key: 'test.accuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.7485, topk: 0.7483 }, family: 'accuracy kept' },
  { label: 'accuracy, trained with 40% label noise', key: 'suites.label-noise.uniform:0.4:exact/accuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.5944, topk: 0.6213 }, family: 'label noise' },
  { label: 'accuracy, trained with 80% label noise', key: 'suites.label-noise.uniform:0.8:exact/accuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.2535, topk: 0.308 }, family: 'label noise' },
  { label: 'Gaussian noise (mean of 5 severities)', key: 'suites.corruption.gaussian_noise/meanAccuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.3954, topk: 0.4229 }, family: 'noise corruptions' },
  { label: 'impulse noise', key: 'suites.corruption.impulse_noise/meanAccuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.3737, topk: 0.4007 }, family: 'noise corruptions' },
  { label: 'shot noise', key: 'suites.corruption.shot_noise/meanAccuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.3856, topk: 0.4068 }, family: 'noise corruptions' },
  { label: 'mean of the three noises', key: 'suites.corruption.noiseAverageAccuracy', kind: 'fraction', better: 'higher', paper: { vanilla: 0.3849, topk: 0.4101 }, family: 'noise corruptions' },
  { label: 'ECE on clean test data', key: 'test.ece', kind: 'fraction', better: 'lower', paper: { vanilla: 0.0842, topk: 0.0748 }, family: 'calibration' },
];

/** The family of the measures without a counterpart in the paper's table: corrected among themselves. */
export const SECONDARY = 'secondary measures';

/** Further measures of the same runs (no counterpart in the paper's table). */
export const MORE_MEASURES: readonly StudyMeasure[] = [
  { label: 'clean test NLL', key: 'test.nll', kind: 'number', better: 'lower', paper: null, family: SECONDARY },
  { label: 'ECE after temperature scaling', key: 'suites.calibration.eceAfterTemperature', kind: 'fraction', better: 'lower', paper: null, family: SECONDARY },
  { label: 'accuracy, mean of the 15 corruptions x 5 severities', key: 'suites.corruption.benchmarkMeanAccuracy', kind: 'fraction', better: 'higher', paper: null, family: SECONDARY },
  ...(['0.4', '0.8'] as const).flatMap((p): StudyMeasure[] => [
    { label: `${Number(p) * 100}% noise: ECE on clean test data`, key: `suites.label-noise.uniform:${p}:exact/ece`, kind: 'fraction', better: 'lower', paper: null, family: SECONDARY },
    { label: `${Number(p) * 100}% noise: wrong labels fitted (last epoch)`, key: `suites.label-noise.uniform:${p}:exact/memorised`, kind: 'fraction', better: 'lower', paper: null, family: SECONDARY },
    { label: `${Number(p) * 100}% noise: best clean validation accuracy over epochs`, key: `suites.label-noise.uniform:${p}:exact/peakValidationAccuracy`, kind: 'fraction', better: 'higher', paper: null, family: SECONDARY },
  ]),
];

/** What a paired difference says about a measure. */
export function verdict(d: PairedDifference, better: 'higher' | 'lower'): string {
  if (d.low === null || d.high === null) return 'one seed: no interval';
  if (!d.significant) return 'not distinguishable from 0';
  const topkBetter = better === 'higher' ? d.mean > 0 : d.mean < 0;
  return topkBetter ? 'Top-k better' : 'Top-k worse';
}

/** "6/8": the seeds on which the Top-k model did better than the baseline (ties count as not better). */
export function seedsBetter(d: Summary, better: 'higher' | 'lower'): string {
  const n = d.values.filter((v) => (better === 'higher' ? v > 0 : v < 0)).length;
  return `${n}/${d.values.length}`;
}

function statistics(card: Scorecard): NonNullable<Scorecard['statistics']> {
  if (!card.statistics) throw new HarnessInputError(`scorecard ${card.runId} has no statistics over seeds: the study report needs a multi-seed run (--seeds)`, 'statistics');
  return card.statistics;
}


/** The Top-k models of the run (every model but the baseline), with their k. */
function topkModels(card: Scorecard): { name: string; label: string }[] {
  return card.config.models.filter((m) => m.name !== card.baseline).map((m) => ({ name: m.name, label: `${m.name}${kLabel(m.k)}` }));
}

/** One compared row of a claim table: a measure × a Top-k model, with its test within the measure's family. */
export interface MeasureComparison extends Comparison {
  measure: StudyMeasure;
  model: { name: string; label: string };
  base: Summary;
  topk: Summary;
  d: PairedDifference;
}

/**
 * Every comparison of `measures` in the run (measure × Top-k model, those the run measured), with raw p-values and
 * Holm-adjusted ones within each measure's family (the family spans every listed measure of it and every model).
 */
export function measureComparisons(card: Scorecard, measures: readonly StudyMeasure[]): MeasureComparison[] {
  const st = statistics(card);
  const rows: MeasureComparison[] = [];
  for (const m of measures) {
    const base = st.metrics[card.baseline]?.[m.key];
    if (!base) continue; // not measured by this run (e.g. a suite it did not run)
    for (const t of topkModels(card)) {
      const d = st.paired[t.name][m.key];
      rows.push({ id: `${m.key}|${t.name}`, measure: m, model: t, base, topk: st.metrics[t.name][m.key], d, p: pairedP(d) });
    }
  }
  for (const family of new Set(rows.map((r) => r.measure.family))) holmFamily(rows.filter((r) => r.measure.family === family));
  return rows;
}

/** The paper's Top-k − vanilla difference for a measure, or null when the paper has none. */
export function paperDelta(m: StudyMeasure): number | null {
  return m.paper ? m.paper.topk - m.paper.vanilla : null;
}

function measureRows(card: Scorecard, measures: readonly StudyMeasure[], withPaper: boolean): string[][] {
  return measureComparisons(card, measures).map(({ measure: m, model: t, base, topk, d, pHolm }) => {
    const paper = m.paper ? `${formatValue(m.paper.vanilla, m.kind)} → ${formatValue(m.paper.topk, m.kind)} (${formatDelta(paperDelta(m), m.kind)})` : '—';
    return [m.label, ...(withPaper ? [paper] : []), t.label, formatValue(base.mean, m.kind), formatValue(topk.mean, m.kind), deltaWithInterval(d, m.kind), seedsBetter(d, m.better), verdict(d, m.better), formatP(pHolm), holmVerdict(d, pHolm, m.better)];
  });
}

/** The families of the measures and their sizes (rows × models) as a sentence for the table's caption. */
function familyCaption(rows: MeasureComparison[]): string {
  const sizes = new Map<string, number>();
  for (const r of rows) if (r.p !== null) sizes.set(r.measure.family, (sizes.get(r.measure.family) ?? 0) + 1);
  return [...sizes].map(([f, n]) => `${f} (${n} comparison${n === 1 ? '' : 's'})`).join(', ');
}

/** Power rows of the paper's claims: the per-seed SD of Δ, the MDE, the paper's Δ inside the interval, seeds to detect it. */
function powerRows(card: Scorecard): string[][] {
  return measureComparisons(card, PAPER_CLAIMS).map(({ measure: m, model: t, d }) => {
    const f = powerFacts(d, paperDelta(m));
    const sd = d.std === null ? 'n/a' : formatDelta(d.std, m.kind).replace(/^[+−±]/, '');
    const inside = f.paperInside === null ? 'n/a' : f.paperInside ? 'yes' : 'no';
    const seeds = m.family === 'accuracy kept'
      ? '— (the claim is no difference)'
      : f.seedsForPaper === null ? (f.mde === null ? 'n/a' : '> 1000') : String(f.seedsForPaper);
    return [m.label, t.label, sd, f.mde === null ? 'n/a' : formatDelta(f.mde, m.kind).replace(/^\+/, ''), formatDelta(paperDelta(m), m.kind), inside, seeds];
  });
}

/** Corruption names measured by the run, from the statistics keys 'suites.corruption.<name>/meanAccuracy'. */
function corruptionNames(card: Scorecard): string[] {
  const prefix = 'suites.corruption.';
  return Object.keys(statistics(card).metrics[card.baseline])
    .filter((k) => k.startsWith(prefix) && k.endsWith('/meanAccuracy'))
    .map((k) => k.slice(prefix.length, -'/meanAccuracy'.length));
}

/** Milestone epochs present in the statistics for a key pattern (key(e) must exist for the baseline). */
function presentMilestones(card: Scorecard, key: (e: number) => string): number[] {
  const metrics = statistics(card).metrics[card.baseline];
  return milestoneEpochs(card.config.train.epochs).filter((e) => metrics[key(e)] !== undefined);
}

const BENCHMARK_MEAN = 'suites.corruption.benchmarkMeanAccuracy';
const THREE_NOISES = ['gaussian_noise', 'impulse_noise', 'shot_noise'];

/** MORE_MEASURES with the all-corruption mean labelled by what the run evaluated (and left out when that is only the three noises, which Table 1 already averages). */
function moreMeasures(card: Scorecard): StudyMeasure[] {
  const names = corruptionNames(card);
  const onlyNoises = names.length === THREE_NOISES.length && THREE_NOISES.every((c) => names.includes(c));
  return MORE_MEASURES.flatMap((m) => {
    if (m.key !== BENCHMARK_MEAN) return [m];
    if (onlyNoises) return [];
    return [{ ...m, label: `accuracy, mean of the ${names.length} corruptions x ${card.config.corruption.severities.length} severities` }];
  });
}

/** Clean validation accuracy after epoch e of one model in one seed (the clean run's history, or a label-noise spec's curve), if recorded. */
function validationAt(c: Scorecard, model: string, spec: string | null, e: number): number | undefined {
  const points: { epoch: number; validationAccuracy: number | null }[] = spec === null
    ? ((c.models[model]?.training?.history ?? []) as { epoch: number; validationAccuracy: number | null }[])
    : ((suite(c, 'label-noise')?.specs as any[] | undefined)?.find((s) => s.spec === spec)?.models?.[model]?.curve ?? []);
  const v = points.find((p) => p.epoch === e)?.validationAccuracy;
  return typeof v === 'number' ? v : undefined;
}

/**
 * `model` − `base` clean validation accuracy after epoch e under a label condition (spec null: clean labels), paired
 * over the seed scorecards; null when a seed did not record it.
 */
export function validationDeltaAt(seeds: readonly Scorecard[], model: string, base: string, spec: string | null, e: number): PairedDifference | null {
  const pairs = seeds.map((c) => [validationAt(c, model, spec, e), validationAt(c, base, spec, e)]);
  if (pairs.some(([a, b]) => a === undefined || b === undefined)) return null;
  return pairedDifference(pairs.map((p) => p[0]!), pairs.map((p) => p[1]!));
}

/**
 * Top-k − vanilla clean validation accuracy at the milestone epochs, per training-label condition (clean, then each
 * label-noise spec), paired over the seed scorecards: at which point of training a difference holds. Exploratory:
 * many epochs were looked at, and the epochs were not chosen in advance.
 */
export function overTrainingTables(card: Scorecard, seeds: readonly Scorecard[]): string[] {
  const base = card.baseline;
  const topk = topkModels(card);
  const epochs = milestoneEpochs(card.config.train.epochs).filter((e) => e > 0);
  const specs = seeds.every((c) => suite(c, 'label-noise')) ? (suite(seeds[0], 'label-noise').specs as { spec: string }[]).map((s) => s.spec) : [];
  const conditions: (string | null)[] = [null, ...specs];
  const cell = (spec: string | null, model: string, e: number): string => {
    const d = validationDeltaAt(seeds, model, base, spec, e);
    return d === null ? 'n/a' : deltaWithInterval(d, 'fraction');
  };
  const label = (spec: string | null) => (spec === null ? 'clean labels' : spec);
  const rows = epochs.map((e) => [String(e), ...conditions.flatMap((spec) => topk.map((t) => cell(spec, t.name, e)))]);
  return [
    `### Top-k − ${base} over training: clean validation accuracy (exploratory)`, '',
    `Paired over the ${seeds.length} seeds at the milestone epochs (the validation split, clean labels, after each epoch; the last row is the end of training). Raw 95% intervals: the epochs were not chosen in advance, so read these as where to look, not as tested claims.`, '',
    markdownTable(['epoch', ...conditions.flatMap((spec) => topk.map((t) => `${label(spec)}: Δ ${t.name}`))], rows), '',
  ];
}

/** The markdown tables of STUDY.md, from a multi-seed scorecard. Deterministic: the same scorecard gives the same text. */
export function studyTables(card: Scorecard, seeds?: readonly Scorecard[]): string {
  const st = statistics(card);
  const n = st.seeds.length;
  const base = card.baseline;
  const topk = topkModels(card);
  const out: string[] = [];
  const head = ['measure', 'model', base, 'Top-k', `Δ Top-k − ${base} [95% CI]`, 'seeds Top-k better', 'verdict (raw 95% CI)', 'p (Holm)', 'verdict after Holm'];
  const more = moreMeasures(card);

  out.push(`### The paper's Table 1, claim by claim (${n} paired seeds)`, '');
  out.push(`Holm's correction at 0.05 within each claim family: ${familyCaption(measureComparisons(card, PAPER_CLAIMS))}.`, '');
  out.push(markdownTable([head[0], "paper: ViT → Top-128 (Δ)", ...head.slice(1)], measureRows(card, PAPER_CLAIMS, true)), '');

  if (n >= 2) {
    out.push('### Power: what these seeds can detect', '');
    out.push(`Minimal detectable effect (MDE): the true Δ that ${n} paired seeds detect with 80% power in a two-sided paired t test at 0.05, from the observed SD of the per-seed differences; "seeds needed" detect the paper's Δ with 80% power at that SD. A claim whose interval holds the paper's Δ is not refuted by "not distinguishable from 0".`, '');
    out.push(markdownTable(['measure', 'model', 'SD of Δ over seeds', 'MDE (80% power)', "paper's Δ", "paper's Δ inside the 95% CI", "seeds needed for the paper's Δ"], powerRows(card)), '');
  }

  out.push('### More measures of the same runs', '');
  out.push(`Holm's correction within this table as one family: ${familyCaption(measureComparisons(card, more))}.`, '');
  out.push(markdownTable(head, measureRows(card, more, false)), '');

  if (seeds && n >= 2) out.push(...overTrainingTables(card, seeds));

  const corruptions = corruptionNames(card);
  if (corruptions.length) {
    out.push('### Accuracy per corruption (mean of the evaluated severities; raw intervals, exploratory)', '');
    const rows = corruptions.map((c) => {
      const key = `suites.corruption.${c}/meanAccuracy`;
      return [c, formatValue(st.metrics[base][key].mean, 'fraction'), ...topk.flatMap((t) => [formatValue(st.metrics[t.name][key].mean, 'fraction'), deltaWithInterval(st.paired[t.name][key], 'fraction')])];
    });
    out.push(markdownTable(['corruption', base, ...topk.flatMap((t) => [t.label, `Δ ${t.name} [95% CI]`])], rows), '');
  }

  const sparsityKey = (e: number, layer?: number) => `suites.sparsity.validationNonzero@${e}${layer === undefined ? '' : `/layer${layer}`}`;
  const sparsityEpochs = presentMilestones(card, (e) => sparsityKey(e));
  if (sparsityEpochs.length) {
    const layers = [...Array(card.config.model.depth).keys()];
    out.push('### Nonzero MLP activations over training (validation split, mean over seeds; epoch 0 = initialisation)', '');
    const rows = sparsityEpochs.map((e) => {
      const s = st.metrics[base][sparsityKey(e)];
      const ci = s.low === null ? '' : ` [${formatValue(s.low, 'fraction')}, ${formatValue(s.high, 'fraction')}]`;
      return [
        String(e),
        `${formatValue(s.mean, 'fraction')}${ci}`,
        ...layers.map((i) => formatValue(st.metrics[base][sparsityKey(e, i)]?.mean, 'fraction')),
        ...topk.map((t) => formatValue(st.metrics[t.name][sparsityKey(e)]?.mean, 'fraction')),
      ];
    });
    out.push(markdownTable(['epoch', `${base}, layer mean [95% CI]`, ...layers.map((i) => `${base} layer ${i}`), ...topk.map((t) => `${t.label}, layer mean`)], rows), '');
  }

  // the noise specs as the suite names them ('uniform:0.4:exact'), from the statistics keys
  const specs = Object.keys(st.metrics[base]).map((k) => /^suites\.label-noise\.(.+)\/memorised$/.exec(k)?.[1]).filter((s): s is string => s !== undefined);
  for (const spec of specs) {
    const key = (e: number) => `suites.label-noise.${spec}/memorised@${e}`;
    const last = `suites.label-noise.${spec}/memorised`;
    if (!st.metrics[base][last]) continue;
    out.push(`### ${spec}: wrong training labels fitted over training (memorisation probe, mean over seeds)`, '');
    const rows = presentMilestones(card, key).filter((e) => e < card.config.train.epochs).map((e) => [String(e), ...[base, ...topk.map((t) => t.name)].map((m) => formatValue(st.metrics[m][key(e)]?.mean, 'fraction'))]);
    rows.push([
      `${card.config.train.epochs} (last)`,
      formatValue(st.metrics[base][last].mean, 'fraction'),
      ...topk.map((t) => `${formatValue(st.metrics[t.name][last].mean, 'fraction')} (Δ ${deltaWithInterval(st.paired[t.name][last], 'fraction')})`),
    ]);
    out.push(markdownTable(['epoch', base, ...topk.map((t) => t.label)], rows), '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Figures averaged over the seed folders.

/** The finished seed scorecards of a multi-seed run folder (with their suite results), in the statistics' seed order. */
export function readStudySeeds(runDir: string, card: Scorecard): Scorecard[] {
  return readSeedScorecards(runDir, statistics(card).seeds);
}

/** Mean over seeds of equally long series (positions that are missing in any seed are dropped). */
function meanSeries(series: (readonly number[] | undefined)[]): number[] {
  const ok = series.filter((s): s is readonly number[] => s !== undefined);
  if (ok.length === 0) return [];
  const len = Math.min(...ok.map((s) => s.length));
  return Array.from({ length: len }, (_, j) => ok.reduce((a, s) => a + s[j], 0) / ok.length);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- suite results are read as stored JSON */
const suite = (c: Scorecard, name: string): any => c.suites[name];

/** SVG figures (file name → SVG) from the seed scorecards of a multi-seed run: curves are means over seeds. */
export function studyFigures(card: Scorecard, seeds: Scorecard[]): Record<string, string> {
  const base = card.baseline;
  const names = card.config.models.map((m) => m.name);
  const color = (name: string) => PALETTE[names.indexOf(name) % PALETTE.length];
  const label = (name: string) => `${name}${kLabel(card.config.models.find((m) => m.name === name)!.k)}`;
  const figures: Record<string, string> = {};
  const n = seeds.length;

  if (seeds.every((c) => suite(c, 'sparsity'))) {
    const curve = (name: string) => suite(seeds[0], 'sparsity').models[name].overTraining.epochs as number[];
    const layers = [...Array(card.config.model.depth).keys()];
    const perLayer = (name: string, i: number) => meanSeries(seeds.map((c) => (suite(c, 'sparsity').models[name].overTraining.validation as number[][]).map((r) => r[i])));
    const layerMean = (name: string) => meanSeries(seeds.map((c) => suite(c, 'sparsity').models[name].overTraining.meanValidation as number[]));
    const layerColors = ['#08306b', '#2171b5', '#4292c6', '#6baed6', '#9ecae1', '#c6dbef']; // vanilla layers: shades of blue, deeper first
    figures['sparsity-over-training.svg'] = lineChartSvg({
      title: `Nonzero MLP activations over training (mean of ${n} seeds)`,
      xLabel: 'epoch (0 = initialisation)', yLabel: 'nonzero fraction', yFormat: percentTick, yDomain: [0, 0.6],
      series: [
        ...layers.map((i) => ({ name: `${base} layer ${i}`, points: perLayer(base, i).map((v, j) => [curve(base)[j], v] as const), color: layerColors[i % layerColors.length], markers: false })),
        ...names.filter((m) => m !== base).map((m, i) => ({ name: `${label(m)} layer mean`, points: layerMean(m).map((v, j) => [curve(m)[j], v] as const), color: ['#dd8452', '#c44e52', '#8172b3'][i % 3], dash: '6,4', markers: false })),
      ],
    });
  }

  const noise = seeds.every((c) => suite(c, 'label-noise')) ? (suite(seeds[0], 'label-noise').specs as { spec: string }[]).map((s) => s.spec) : [];
  if (noise.length) {
    const spec = (c: Scorecard, sp: string) => (suite(c, 'label-noise').specs as any[]).find((s) => s.spec === sp);
    const panels = (what: 'memorisation' | 'validation') => noise.map((sp) => lineChartSvg({
      title: what === 'memorisation' ? `${sp}: wrong labels fitted` : `${sp}: clean validation accuracy`,
      xLabel: 'epoch', yLabel: what === 'memorisation' ? 'fraction of changed labels predicted as given' : 'accuracy', yFormat: percentTick, yDomain: [0, 1],
      series: names.map((m) => {
        const pts = what === 'memorisation'
          ? { x: (spec(seeds[0], sp).models[m].memorisation as any[]).map((p) => p.epoch as number), y: meanSeries(seeds.map((c) => (spec(c, sp).models[m].memorisation as any[]).map((p) => p.noisyLabel as number))) }
          : { x: (spec(seeds[0], sp).models[m].curve as any[]).map((p) => p.epoch as number), y: meanSeries(seeds.map((c) => (spec(c, sp).models[m].curve as any[]).map((p) => p.validationAccuracy as number))) };
        return { name: label(m), points: pts.y.map((v, j) => [pts.x[j], v] as const), color: color(m), markers: false };
      }),
    }));
    figures['memorisation.svg'] = sideBySide(panels('memorisation'));
    figures['noisy-training-validation.svg'] = sideBySide(panels('validation'));
  }

  if (seeds.every((c) => suite(c, 'corruption'))) {
    const severities = card.config.corruption.severities;
    const bySeverity = (m: string, which: (c: string) => boolean) => severities.map((_, j) => {
      const perSeed = seeds.map((c) => {
        const per = suite(c, 'corruption').models[m].perCorruption as Record<string, { severities: { accuracy: number }[] }>;
        const chosen = Object.entries(per).filter(([name]) => which(name));
        return chosen.reduce((a, [, r]) => a + r.severities[j].accuracy, 0) / chosen.length;
      });
      return perSeed.reduce((a, v) => a + v, 0) / perSeed.length;
    });
    const noises = new Set(['gaussian_noise', 'shot_noise', 'impulse_noise']);
    figures['accuracy-vs-severity.svg'] = lineChartSvg({
      title: `Accuracy vs severity (mean of ${n} seeds)`, xLabel: 'severity', yLabel: 'accuracy', yFormat: percentTick, yDomain: [0, 1],
      series: names.flatMap((m) => [
        { name: `${label(m)}: all corruptions`, points: bySeverity(m, () => true).map((v, j) => [severities[j], v] as const), color: color(m) },
        { name: `${label(m)}: the 3 noises`, points: bySeverity(m, (c) => noises.has(c)).map((v, j) => [severities[j], v] as const), color: color(m), dash: '6,4' },
      ]),
    });
  }
  return figures;
}
