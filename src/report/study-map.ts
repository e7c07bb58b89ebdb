/**
 * The regime map of STUDY.md: per claim of the paper, one row per study regime (and Top-k model) with Δ Top-k −
 * vanilla [95% CI], the verdict after Holm's correction within the claim's family *in that regime's run*, the
 * paper's Δ, whether the interval holds it, and the minimal detectable effect; and one figure per claim of Δ
 * against regime and, where the harness records a curve (clean validation accuracy under each label condition,
 * vanilla sparsity), against epoch.
 *
 * The regimes are listed in a manifest (reports/study-regimes.json): each names a finished multi-seed run folder
 * (aggregate scorecard.json + seed-<s>/ scorecards); `corruptionDir` takes the corruption claims from another run
 * of the same checkpoints (the first study's ImageNet-C re-evaluation). Every number is read from those scorecards,
 * so the map regenerates from them and the doc test holds STUDY.md to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HarnessInputError } from '../errors.js';
import { readSeedScorecards } from '../scorecard/seed-scorecards.js';
import type { Scorecard } from '../scorecard/scorecard.js';
import { asScorecard, readScorecard } from '../scorecard/read.js';
import type { Summary } from '../scorecard/statistics.js';
import { milestoneEpochs } from '../train/milestones.js';
import { barChartSvg, lineChartSvg, PALETTE } from './charts.js';
import { formatDelta, formatValue, kLabel, percentTick } from './format.js';
import { sideBySide } from './side-by-side.js';
import { deltaWithInterval, measureComparisons, PAPER_CLAIMS, paperDelta, validationDeltaAt, type StudyMeasure } from './study.js';
import { formatP, holmVerdict, powerFacts } from './study-inference.js';
import { markdownTable } from './markdown-table.js';

export interface RegimeEntry {
  /** Short id, used in figure labels. */
  id: string;
  /** What the regime is, for the tables. */
  label: string;
  /** The finished multi-seed run folder, relative to the manifest's folder's parent (the repository root). */
  dir: string;
  /** A run folder of the same checkpoints whose corruption results replace `dir`'s (optional). */
  corruptionDir?: string;
}

export interface RegimeManifest {
  regimes: RegimeEntry[];
}

export interface LoadedRegime {
  entry: RegimeEntry;
  card: Scorecard;
  corruptionCard: Scorecard;
  seeds: Scorecard[];
}

/** Read and check a regime manifest; `root` resolves the run folders (default: the current directory). */
export function readRegimeManifest(file: string): RegimeManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HarnessInputError(`cannot read the regime manifest ${file}: ${(e as Error).message}`, file);
  }
  const regimes = (raw as { regimes?: unknown }).regimes;
  if (!Array.isArray(regimes) || regimes.length === 0) throw new HarnessInputError(`${file}: "regimes" must be a non-empty array of {id, label, dir, corruptionDir?}`, file);
  const ids = new Set<string>();
  regimes.forEach((r, i) => {
    for (const f of ['id', 'label', 'dir'] as const) {
      if (typeof r?.[f] !== 'string' || r[f] === '') throw new HarnessInputError(`${file}: regimes[${i}].${f} must be a non-empty string, got ${JSON.stringify(r?.[f])}`, file);
    }
    if (r.corruptionDir !== undefined && typeof r.corruptionDir !== 'string') throw new HarnessInputError(`${file}: regimes[${i}].corruptionDir must be a string`, file);
    if (ids.has(r.id)) throw new HarnessInputError(`${file}: regime id '${r.id}' appears twice`, file);
    ids.add(r.id);
  });
  return { regimes: regimes as RegimeEntry[] };
}

function readRun(dir: string): Scorecard {
  const file = path.join(dir, 'scorecard.json');
  if (!fs.existsSync(file)) throw new HarnessInputError(`regime run folder ${dir} has no scorecard.json (is the run finished and merged?)`, file);
  const card = asScorecard(readScorecard(file));
  if (!card.statistics) throw new HarnessInputError(`${file} has no statistics over seeds: a regime needs a multi-seed run`, file);
  return card;
}

/** Load every regime's aggregate and seed scorecards; run folders are resolved against `root`. */
export function loadRegimes(manifest: RegimeManifest, root = '.'): LoadedRegime[] {
  return manifest.regimes.map((entry) => {
    const dir = path.join(root, entry.dir);
    const card = readRun(dir);
    return {
      entry,
      card,
      corruptionCard: entry.corruptionDir ? readRun(path.join(root, entry.corruptionDir)) : card,
      seeds: readSeedScorecards(dir, card.statistics!.seeds),
    };
  });
}

/** A claim of the map: the Table 1 measures that test it, and where it reads them from. */
interface MapClaim {
  claim: string;
  /** Figure file stem. */
  slug: string;
  keys: string[];
  fromCorruptionRun?: boolean;
  /** Label conditions with a validation-accuracy curve for the Δ-against-epoch figure (null = clean labels). */
  overTraining?: 'clean' | 'noise';
}

const MAP_CLAIMS: MapClaim[] = [
  { claim: 'Accuracy is kept', slug: 'accuracy-kept', keys: ['test.accuracy'], overTraining: 'clean' },
  { claim: 'Robustness to label noise', slug: 'label-noise', keys: ['suites.label-noise.uniform:0.4:exact/accuracy', 'suites.label-noise.uniform:0.8:exact/accuracy'], overTraining: 'noise' },
  { claim: 'Robustness to noise corruptions (ImageNet-C severities)', slug: 'noise-corruptions', keys: ['suites.corruption.gaussian_noise/meanAccuracy', 'suites.corruption.noiseAverageAccuracy'], fromCorruptionRun: true },
  { claim: 'Calibration', slug: 'calibration', keys: ['test.ece'] },
];

const measure = (key: string): StudyMeasure => PAPER_CLAIMS.find((m) => m.key === key)!;



/** The rows of one claim: regime × measure × Top-k model. */
function claimRows(regimes: LoadedRegime[], c: MapClaim): string[][] {
  const rows: string[][] = [];
  for (const r of regimes) {
    const card = c.fromCorruptionRun ? r.corruptionCard : r.card;
    const comparisons = measureComparisons(card, PAPER_CLAIMS); // Holm within the family, in this regime's run
    for (const key of c.keys) {
      const m = measure(key);
      for (const cmp of comparisons.filter((x) => x.measure.key === key)) {
        const f = powerFacts(cmp.d, paperDelta(m));
        rows.push([
          r.entry.label,
          ...(c.keys.length > 1 ? [m.label] : []),
          cmp.model.label,
          String(cmp.d.n),
          formatValue(cmp.base.mean, m.kind),
          deltaWithInterval(cmp.d, m.kind),
          `${holmVerdict(cmp.d, cmp.pHolm, m.better)} (p ${formatP(cmp.pHolm)})`,
          formatDelta(paperDelta(m), m.kind),
          f.paperInside === null ? 'n/a' : f.paperInside ? 'yes' : 'no',
          f.mde === null ? 'n/a' : formatDelta(f.mde, m.kind).replace(/^\+/, ''),
        ]);
      }
    }
  }
  return rows;
}

/** Vanilla's nonzero MLP activations (test split) per regime: layer mean [CI] and each layer. */
function lazyRows(regimes: LoadedRegime[]): { rows: string[][]; depth: number } {
  const depth = Math.max(...regimes.map((r) => r.card.config.model.depth));
  const rows = regimes.map((r) => {
    const m = r.card.statistics!.metrics[r.card.baseline];
    const s = m['suites.sparsity.testNonzero'];
    if (!s) return [r.entry.label, 'n/a', ...Array.from({ length: depth }, () => 'n/a'), 'n/a'];
    const ci = s.low === null ? '' : ` [${formatValue(s.low, 'fraction')}, ${formatValue(s.high, 'fraction')}]`;
    const layers = Array.from({ length: depth }, (_, i) => m[`suites.sparsity.testNonzero/layer${i}`]?.mean);
    const finite = layers.filter((v): v is number => v !== undefined);
    const sparsest = finite.length ? layers.indexOf(Math.min(...finite)) : -1;
    const densest = finite.length ? layers.indexOf(Math.max(...finite)) : -1;
    return [r.entry.label, `${formatValue(s.mean, 'fraction')}${ci}`, ...layers.map((v) => formatValue(v, 'fraction')), `sparsest: layer ${sparsest}, densest: layer ${densest}`];
  });
  return { rows, depth };
}

/** The markdown of the regime map. Deterministic: the same scorecards give the same text. */
export function regimeMapTables(regimes: LoadedRegime[]): string {
  const out: string[] = [];
  for (const c of MAP_CLAIMS) {
    out.push(`### ${c.claim}`, '');
    const head = ['regime', ...(c.keys.length > 1 ? ['measure'] : []), 'model', 'seeds', 'vanilla', 'Δ Top-k − vanilla [95% CI]', 'after Holm (family)', "paper's Δ", "paper's Δ in CI", 'MDE (80% power)'];
    out.push(markdownTable(head, claimRows(regimes, c)), '');
  }
  out.push('### The lazy-neuron pattern (vanilla model, test split)', '');
  out.push("The paper: 6.3% nonzero on average for ViT-B/16, with the first and last layers denser than the middle ones (docs/conventions.md#activation-sparsity).", '');
  const { rows, depth } = lazyRows(regimes);
  out.push(markdownTable(['regime', 'nonzero, layer mean [95% CI]', ...Array.from({ length: depth }, (_, i) => `layer ${i}`), 'pattern'], rows), '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

/** The Top-k model names across the regimes, in order of first appearance (a stable colour per k). */
function topkNames(regimes: LoadedRegime[]): { name: string; k: number | number[] | null }[] {
  const seen = new Map<string, number | number[] | null>();
  for (const r of regimes) for (const m of r.card.config.models) if (m.name !== r.card.baseline && !seen.has(m.name)) seen.set(m.name, m.k);
  return [...seen].map(([name, k]) => ({ name, k }));
}

function deltaAgainstRegime(regimes: LoadedRegime[], c: MapClaim, key: string): string {
  const m = measure(key);
  const models = topkNames(regimes);
  const series = models.map((t, i) => {
    const ds = regimes.map((r) => (c.fromCorruptionRun ? r.corruptionCard : r.card).statistics!.paired[t.name]?.[key] as Summary | undefined);
    return {
      name: `${t.name}${kLabel(t.k)}`,
      color: PALETTE[(i + 1) % PALETTE.length],
      values: ds.map((d) => d?.mean ?? Number.NaN),
      intervals: ds.map((d) => (d && d.low !== null && d.high !== null ? ([d.low, d.high] as const) : null)),
    };
  });
  return barChartSvg({
    title: `${m.label}: Δ Top-k − vanilla by regime`,
    xLabel: 'regime', yLabel: 'Δ (points)', yFormat: (v) => `${Number((100 * v).toFixed(2))}`,
    categories: regimes.map((r) => r.entry.id),
    series,
    referenceLines: [{ y: paperDelta(m)!, label: `paper ${formatDelta(paperDelta(m), m.kind)}`, color: '#c44e52' }, { y: 0, label: 'no difference', color: '#888888' }],
    caption: 'bars: mean over seeds; whiskers: paired 95% t interval',
    width: 720,
    height: 380,
  });
}

function deltaAgainstEpoch(regimes: LoadedRegime[], spec: string | null, title: string): string {
  const series = regimes.flatMap((r, ri) => {
    const epochs = milestoneEpochs(r.card.config.train.epochs).filter((e) => e > 0);
    const base = r.card.baseline;
    return r.card.config.models.filter((m) => m.name !== base).map((m, mi) => {
      const ds = epochs.map((e) => {
        const d = validationDeltaAt(r.seeds, m.name, base, spec, e);
        return d !== null && d.n >= 2 ? d : null;
      });
      return {
        name: `${r.entry.id}: ${m.name}`,
        color: PALETTE[ri % PALETTE.length],
        dash: mi === 0 ? undefined : '6,4',
        points: epochs.map((e, j) => [e, ds[j]?.mean ?? Number.NaN] as const),
        intervals: ds.map((d) => (d && d.low !== null && d.high !== null ? ([d.low, d.high] as const) : null)),
      };
    });
  });
  return lineChartSvg({
    title, xLabel: 'epoch', yLabel: 'Δ clean validation accuracy (points)', yFormat: (v) => `${Number((100 * v).toFixed(1))}`,
    series, referenceLines: [{ y: 0, label: 'no difference', color: '#888888' }],
    caption: 'mean over seeds at the milestone epochs; whiskers: paired 95% t interval (exploratory)', width: 760, height: 400,
  });
}

/** SVG figures of the regime map, file name → SVG. */
export function regimeMapFigures(regimes: LoadedRegime[]): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const c of MAP_CLAIMS) {
    const panels = c.keys.map((k) => deltaAgainstRegime(regimes, c, k));
    figures[`${c.slug}-by-regime.svg`] = panels.length === 1 ? panels[0] : sideBySide(panels);
    if (c.overTraining === 'clean') figures[`${c.slug}-by-epoch.svg`] = deltaAgainstEpoch(regimes, null, 'Clean labels: Δ Top-k − vanilla over training');
    if (c.overTraining === 'noise') {
      const specs = ['uniform:0.4:exact', 'uniform:0.8:exact'];
      figures[`${c.slug}-by-epoch.svg`] = sideBySide(specs.map((sp) => deltaAgainstEpoch(regimes, sp, `${sp}: Δ Top-k − vanilla over training`)));
    }
  }
  // lazy neurons: the vanilla model's nonzero fraction over training, per regime (validation split)
  figures['lazy-neurons-by-epoch.svg'] = lineChartSvg({
    title: 'Vanilla model: nonzero MLP activations over training', xLabel: 'epoch (0 = initialisation)', yLabel: 'nonzero fraction (layer mean)',
    yFormat: percentTick, yDomain: [0, 0.6],
    series: regimes.map((r, ri) => {
      const m = r.card.statistics!.metrics[r.card.baseline];
      const epochs = milestoneEpochs(r.card.config.train.epochs).filter((e) => m[`suites.sparsity.validationNonzero@${e}`]);
      const ss = epochs.map((e) => m[`suites.sparsity.validationNonzero@${e}`]);
      return {
        name: r.entry.id, color: PALETTE[ri % PALETTE.length],
        points: epochs.map((e, j) => [e, ss[j].mean] as const),
        intervals: ss.map((s) => (s.low !== null && s.high !== null ? ([s.low, s.high] as const) : null)),
      };
    }),
    referenceLines: [{ y: 0.063, label: 'ViT-B/16: 6.3%', color: '#c44e52' }],
    width: 720, height: 380,
  });
  return figures;
}
