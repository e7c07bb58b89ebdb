/** The sparsity suite's Markdown section (scorecard.md): per-layer sparsity, over training, neuron usage, FLOPs. */
import * as path from 'node:path';
import { formatValue, kLabel, percentSignificant } from '../../src/report/format.js';
import { markdownTable } from '../../src/report/markdown-table.js';
import type { ModelSparsity, SparsityResult } from './types.js';

const pct = (v: number) => formatValue(v, 'fraction');

function formatFlops(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(3)} GFLOPs`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(3)} MFLOPs`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)} kFLOPs`;
  return `${v.toFixed(0)} FLOPs`;
}

/** One sentence per vanilla model: did its sparsity drop over training (layer-mean validation nonzero fraction)? */
export function trendSentence(name: string, m: ModelSparsity): string {
  const t = m.trend;
  if (!t) return `${name} has a single training record, so no change over training can be stated.`;
  const layers = t.perLayer.map((l, i) => `layer ${i} ${formatValue(l.first, 'fraction', 1)} → ${formatValue(l.last, 'fraction', 1)}`).join(', ');
  const pts = `${(100 * Math.abs(t.change)).toFixed(2)} pts`;
  const from = `from ${pct(t.first)} at epoch ${t.firstEpoch} (initialisation) to ${pct(t.last)} after epoch ${t.lastEpoch}`;
  const how = t.dropped ? `became sparser: its layer-mean nonzero fraction on the validation split dropped ${from} (−${pts}` : t.change > 0 ? `did not become sparser: its layer-mean nonzero fraction on the validation split rose ${from} (+${pts}` : `did not become sparser: its layer-mean nonzero fraction on the validation split stayed at ${pct(t.first)} (epoch ${t.firstEpoch} to ${t.lastEpoch}`;
  return `Over training the ${name} model ${how}; ${layers}).`;
}

export function sparsityMarkdown(r: SparsityResult, names: string[], files: string[]): string {
  const ms = names.map((n) => r.models[n]);
  const first = ms[0];
  const depth = first.depth;
  const label = (n: string) => `${n}${kLabel(r.models[n].k)}`;
  const layerRows = Array.from({ length: depth }, (_, i) => [String(i), ...ms.flatMap((m) => [pct(m.train.nonzeroFraction[i]), pct(m.test.nonzeroFraction[i])])]);
  layerRows.push(['mean', ...ms.flatMap((m) => [pct(m.train.meanNonzeroFraction), pct(m.test.meanNonzeroFraction)])]);
  const bounds = names
    .filter((n) => r.models[n].topkBound.some((b) => b !== null))
    .map((n) => {
      const b = [...new Set(r.models[n].topkBound.filter((x): x is number => x !== null))];
      return `${n} keeps at most k/d_ff = ${b.map(pct).join(', ')} per token`;
    });
  const vanilla = names.filter((n) => r.models[n].k === null);
  const trend = vanilla.length ? vanilla.map((n) => trendSentence(n, r.models[n])).join(' ') : 'No vanilla (k = null) model in this run, so no statement on how vanilla sparsity evolves.';

  const epochs = first.overTraining.epochs;
  const trainingRows = epochs.map((e, j) => [
    String(e),
    ...ms.flatMap((m) => {
      const idx = m.overTraining.epochs.indexOf(e);
      return idx < 0 ? ['', ''] : [pct(m.overTraining.meanValidation[idx]), pct(m.overTraining.meanTrain[idx])];
    }),
  ]);

  const neuronRows: string[][] = [];
  for (const n of names) {
    const m = r.models[n];
    for (let i = 0; i < m.depth; i++) {
      const tr = m.train.neurons[i];
      const te = m.test.neurons[i];
      neuronRows.push([
        label(n),
        String(i),
        `${formatValue(tr.rareShare, 'fraction', 1)} / ${formatValue(te.rareShare, 'fraction', 1)}`,
        `${tr.deadCount} / ${te.deadCount}`,
        `${formatValue(tr.frequentShare, 'fraction', 1)} / ${formatValue(te.frequentShare, 'fraction', 1)}`,
        percentSignificant(te.minFrequency, true),
        percentSignificant(te.medianFrequency, true),
        percentSignificant(te.maxFrequency, true),
      ]);
    }
  }

  const flopsRows: [string, (m: ModelSparsity) => string][] = [
    ['whole model, dense', (m) => formatFlops(m.flops.model.dense)],
    ['whole model, effective', (m) => formatFlops(m.flops.model.effective)],
    ['saving: second MLP matmuls', (m) => pct(m.flops.secondMatmul.saving)],
    ...Array.from({ length: depth }, (_, i): [string, (m: ModelSparsity) => string] => [`saving: second MLP matmul, layer ${i}`, (m) => (m.flops.perLayer[i] ? pct(m.flops.perLayer[i].saving) : '')]),
    ['saving: MLPs (both matmuls)', (m) => pct(m.flops.mlp.saving)],
    ['saving: whole model', (m) => pct(m.flops.model.saving)],
  ];

  const t = first.train;
  const te = first.test;
  return [
    '## Activation sparsity (MLP neurons)',
    '',
    `Nonzero fraction: the share of the d_ff = ${first.dFF} MLP activations of a token that are strictly positive after ReLU ` +
      `(after the Top-k mask for Top-k models), averaged over tokens (docs/conventions.md#activation-sparsity). Train: a seeded subset of ${t.images} training images ` +
      `(${t.tokens.toLocaleString('en-US')} tokens); test: all ${te.images} test images (${te.tokens.toLocaleString('en-US')} tokens).` +
      (bounds.length ? ` ${bounds.join('; ')}.` : ''),
    '',
    markdownTable(['layer', ...names.flatMap((n) => [`${label(n)} train`, `${n} test`])], layerRows),
    '',
    trend,
    '',
    '### Over training (layer mean; epoch 0 = initialisation)',
    '',
    markdownTable(['epoch', ...names.flatMap((n) => [`${n} validation`, `${n} train probe`])], trainingRows),
    '',
    `### Neuron usage (firing frequency = share of tokens on which a neuron fires)`,
    '',
    `Neurons per layer that are rare (fire on fewer than ${percentSignificant(r.rareBelow)} of tokens), never fire, or are frequent (fire on more than ` +
      `${percentSignificant(r.frequentAbove)}), on the train / test split; and the firing frequency of the least-used, median and most-used neuron on the test split.`,
    '',
    markdownTable(
      ['model', 'layer', `rare (train / test)`, 'never (train / test)', `frequent (train / test)`, 'least-used', 'median', 'most-used'],
      neuronRows,
    ),
    '',
    '### FLOPs per image (test-split sparsity)',
    '',
    'The second MLP matmul costs 2·d_model·s per token instead of 2·d_model·d_ff when only the s nonzero activations are used; ' +
      'the first matmul and everything else stay dense (docs/conventions.md#flops). Unstructured sparsity does not by itself give wall-time gains.',
    '',
    markdownTable(['', ...names.map(label)], flopsRows.map(([l, f]) => [l, ...ms.map(f)])),
    '',
    'Charts: ' + files.map((f) => `[${path.basename(f)}](${f})`).join(', ') + '.',
    '',
  ].join('\n');
}
