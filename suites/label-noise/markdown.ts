/** The label-noise suite's Markdown section (scorecard.md). */
import * as path from 'node:path';
import type { ModelVariant } from '../../src/config/run-config.js';
import { formatNoiseReport } from '../../src/label-noise/index.js';
import { formatDelta, formatValue, kLabel } from '../../src/report/format.js';
import { markdownTable } from '../../src/report/markdown-table.js';
import type { LabelNoiseSuiteResult, MemorisationPoint, NoisyModelResult } from './types.js';

/** A model "has memorised" when it predicts the noisy label for at least this fraction of its probe (markdown note only). */
const MEMORISED = 0.5;
const pct = (v: number) => formatValue(v, 'fraction');
const pts = (v: number) => formatDelta(v, 'fraction');
const num = (v: number) => formatDelta(v, 'number');

/** The suite's Markdown section: accuracy by noise, then per spec the metrics, memorisation and realised noise. */
export function labelNoiseMarkdown(r: LabelNoiseSuiteResult, variants: ModelVariant[], classNames: string[], files: string[]): string {
  const names = variants.map((v) => v.name);
  const others = names.slice(1);
  const header = ['metric', ...variants.map((v) => `${v.name}${kLabel(v.k)}`), ...others.map((n) => `Δ ${n} − ${r.baseline}`)];
  const out: string[] = [
    '## Label noise (noisy training labels, clean test split)',
    '',
  ];
  if (r.specs.length === 0) {
    out.push('No noise specs configured (labelNoise.specs is empty).', '');
    return out.join('\n');
  }
  out.push(
    `Each model is retrained from the same initialisation and data order on the ${r.trainExamples} training labels corrupted by each ` +
      `spec; ${r.specs.some((x) => x.validationNoise) ? 'validation labels are corrupted the same way (labelNoise.noisyValidation, a stream of their own) and test labels stay clean' : 'validation and test labels stay clean'}. Drop from clean: the clean-label model of the same variant minus its noisy-label ` +
      'twin for accuracy, noisy minus clean for NLL and ECE (positive = worse under noise). Memorisation: on a fixed seeded probe ' +
      `of up to ${r.memorisationProbe} training examples whose label was changed, the fraction the model predicts as the noisy label, ` +
      'as the true label, or as neither, after the last epoch (every epoch in the JSON and the chart). Δ columns: accuracy and ECE in percentage points.',
    '',
    '### Test accuracy by training-label noise',
    '',
    markdownTable(
      ['training labels', 'changed', ...variants.map((v) => `${v.name}${kLabel(v.k)}`), ...others.map((n) => `Δ ${n} − ${r.baseline}`)],
      [
        ['clean', pct(0), ...names.map((n) => pct(r.clean[n].accuracy)), ...others.map((n) => pts(r.clean[n].accuracy - r.clean[r.baseline].accuracy))],
        ...r.specs.map((s) => [
          s.spec,
          pct(s.noise.realisedChangedFraction),
          ...names.map((n) => pct(s.models[n].test.accuracy)),
          ...others.map((n) => pts(s.deltas[n].test.accuracy)),
        ]),
      ],
    ),
    '',
  );
  for (const s of r.specs) {
    const n = s.noise;
    const last = (m: NoisyModelResult) => m.memorisation[m.memorisation.length - 1];
    const epochs = s.probe.size > 0 ? last(s.models[r.baseline]).epoch : null;
    const rows: string[][] = [
      ['test accuracy', ...names.map((m) => pct(s.models[m].test.accuracy)), ...others.map((m) => pts(s.deltas[m].test.accuracy))],
      ['accuracy drop from clean labels', ...names.map((m) => pts(s.models[m].dropFromClean.accuracy)), ...others.map((m) => pts(s.deltas[m].dropFromClean.accuracy))],
      ['test NLL', ...names.map((m) => s.models[m].test.nll.toFixed(4)), ...others.map((m) => num(s.deltas[m].test.nll))],
      ['NLL increase from clean labels', ...names.map((m) => num(s.models[m].dropFromClean.nll)), ...others.map((m) => num(s.deltas[m].dropFromClean.nll))],
      ['test ECE', ...names.map((m) => pct(s.models[m].test.ece)), ...others.map((m) => pts(s.deltas[m].test.ece))],
      ['ECE increase from clean labels', ...names.map((m) => pts(s.models[m].dropFromClean.ece)), ...others.map((m) => pts(s.deltas[m].dropFromClean.ece))],
    ];
    if (epochs !== null) {
      const mem = (label: string, f: keyof Omit<MemorisationPoint, 'epoch'>) =>
        [label, ...names.map((m) => pct(last(s.models[m])[f])), ...others.map((m) => pts(s.deltas[m].memorisation![f]))];
      rows.push(
        mem(`probe predicted as the noisy label (epoch ${epochs})`, 'noisyLabel'),
        mem(`probe predicted as the true label (epoch ${epochs})`, 'trueLabel'),
        mem(`probe predicted as neither (epoch ${epochs})`, 'other'),
      );
    }
    out.push(
      `### ${s.spec}: ${pct(n.realisedChangedFraction)} of training labels changed`,
      '',
      `Requested rate ${n.requestedRate === null ? 'n/a (matrix)' : n.requestedRate}, selection ${n.mode}; expected changed fraction ` +
        `${pct(n.expectedChangedFraction)}, realised ${pct(n.realisedChangedFraction)} (${n.counts.changed} of ${n.counts.examples} labels); ` +
        `seed ${n.seed}. ${n.convention.replace(/\.*$/, '')}. Memorisation probe: ${s.probe.size} of the ${s.probe.changedExamples} changed examples.`,
      '',
      markdownTable(header, rows),
      '',
      '<details><summary>Realised noise (transition matrix)</summary>',
      '',
      '```',
      formatNoiseReport(n, classNames).trimEnd(),
      '```',
      '',
      '</details>',
      '',
    );
  }
  const fitted = r.specs.flatMap((s) => names.map((m) => s.models[m].memorisation.at(-1)?.noisyLabel ?? 0));
  if (fitted.length > 0 && Math.max(...fitted) < MEMORISED) {
    out.push(
      `Memorisation: no model predicts the noisy label for most of its probe (at most ${pct(Math.max(...fitted))} after the last epoch), ` +
        'so this run has not reached the regime where resistance to memorisation can show; the paper\'s label-noise gains come from ' +
        'models trained long enough to fit wrong labels (SCIENCE.md: fewer images, more epochs, little weight decay).',
      '',
    );
  }
  out.push(`Charts: ${files.map((f) => `[${path.basename(f)}](${f})`).join(', ')}.`, '');
  return out.join('\n');
}
