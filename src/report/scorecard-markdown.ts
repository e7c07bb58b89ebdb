/**
 * scorecard.md: a GitHub-flavoured table with one column per model, a delta column per non-baseline model and the
 * better value in bold (direction-aware; metrics with no better direction are not marked).
 */
import { formatValue as fmt, kLabel } from './format.js';
import { headlineDelta, singleSeedCaveat } from './seed-caveat.js';
import { HEADLINE_METRICS, metricValue, Scorecard } from '../scorecard/scorecard.js';
import { markdownTable } from './markdown-table.js';

export function scorecardMarkdown(card: Scorecard, suiteSections: string[] = []): string {
  const names = card.config.models.map((m) => m.name).filter((n) => n in card.models); // config order, not JSON key order
  const others = names.filter((n) => n !== card.baseline);
  const header = ['metric', ...names.map((n) => `${n}${kLabel(card.models[n].k)}`), ...others.map((n) => `Δ ${n} − ${card.baseline}`)];
  const rows: string[][] = [];
  for (const m of HEADLINE_METRICS) {
    const vals = names.map((n) => metricValue(card, n, m.key));
    const present = vals.filter((v): v is number => v !== null);
    const best = m.better === 'none' || present.length < 2 ? null : m.better === 'higher' ? Math.max(...present) : Math.min(...present);
    const unique = best !== null && present.filter((v) => v === best).length === 1;
    const cells = vals.map((v) => {
      const s = fmt(v, m.kind);
      return unique && v === best ? `**${s}**` : s;
    });
    const base = metricValue(card, card.baseline, m.key);
    const deltas = others.map((n) => {
      const v = metricValue(card, n, m.key);
      return v === null || base === null ? 'n/a' : headlineDelta(card, n, m.key, v - base, m.kind);
    });
    rows.push([m.label, ...cells, ...deltas]);
  }
  const c = card.config;
  const lines = [
    `# Scorecard ${card.runId}`,
    '',
    `${card.data.dataset}: ${card.data.trainCount} train / ${card.data.validationCount} validation / ${card.data.testCount} test images ` +
      `(${card.data.height}x${card.data.width}x${card.data.channels}, ${card.data.classes} classes); preset ${c.preset}, seed ${card.seed}, ` +
      `backend ${card.backend.name}.`,
    `ViT: patch ${c.model.patchSize}, dim ${c.model.dim}, depth ${c.model.depth}, heads ${c.model.heads}, MLP ${c.model.mlpDim}, ${c.model.pool} pooling; ` +
      `${c.train.epochs} epochs, batch ${c.train.batchSize}, AdamW lr ${c.train.learningRate}, weight decay ${c.train.weightDecay}.`,
    '',
    markdownTable(header, rows),
    '',
    `ECE: ${card.calibration.convention}. Bold marks the better value where a direction exists. ` +
      `Deltas are ${others.map((n) => n).join(', ')} minus ${card.baseline}; accuracy and ECE deltas are in percentage points` +
      (card.statistics ? `; means over ${card.statistics.seeds.length} seeds, with the paired 95% interval over seeds in brackets.` : '.'),
    '',
    ...(singleSeedCaveat(card) ? [`> **${singleSeedCaveat(card)}**`, ''] : []),
    ...(Object.values(card.models).every((m) => m.training !== undefined) ? [
    '## Nonzero MLP activations per layer (test split)',
    '',
    markdownTable(
      ['layer', ...names],
      card.models[card.baseline].test.nonzeroFractionPerLayer.map((_, i) => [String(i), ...names.map((n) => fmt(card.models[n].test.nonzeroFractionPerLayer[i], 'fraction'))]),
    ),
    '',
    '## Training curve (validation)',
    '',
    markdownTable(
      ['epoch', ...names.flatMap((n) => [`${n} val acc`, `${n} val loss`, `${n} nonzero`])],
      card.models[card.baseline].training!.history.map((_, e) => [
        String(e),
        ...names.flatMap((n) => {
          const r = card.models[n].training!.history[e];
          if (!r) return ['', '', ''];
          const nz = r.validationNonzeroFraction.reduce((a, b) => a + b, 0) / r.validationNonzeroFraction.length;
          return [fmt(r.validationAccuracy, 'fraction'), fmt(r.validationLoss, 'number'), fmt(nz, 'fraction')];
        }),
      ]),
    ),
    '',
    ] : []),
    ...suiteSections,
    `Timings are wall-clock on ${card.provenance.cpuCount} x ${card.provenance.cpu} (${card.backend.name} backend); they vary between runs. ` +
      `Everything else is reproducible from the config and seed on the same backend.`,
    '',
  ];
  return lines.join('\n');
}


