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
import { oodDetectionMetrics, rocCurve } from 'topk-harness/metrics';
import {
  defineSuite, formatValue, perModel, predictDataset, writeFileAtomic, type Dataset, type SuiteContext, type SuiteHeadline,
} from 'topk-harness/suites';
import { type RocSeries, rocSvg } from './figures.js';
import { oodMarkdown } from './markdown.js';
import { checkOodOptions, parseOodOptions } from './options.js';
import { CONVENTION, FIGURE_SCORE, OOD_SCORES, type OodScoreName, SCORE_LABEL, scores, TPR } from './scores.js';
import type { OodMetrics, OodResult } from './types.js';

export * from './types.js';
export { CONVENTION, FIGURE_SCORE, OOD_SCORES, type OodScoreName, TPR } from './scores.js';
export { defaultOodDatasets, OOD_DATASETS, parseOodOptions } from './options.js';
export { oodMarkdown } from './markdown.js';
export { rocSvg } from './figures.js';

const pct = (v: number) => formatValue(v, 'fraction');

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
  check: checkOodOptions,
  run,
  headline,
});
