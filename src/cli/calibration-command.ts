/**
 * `topk-harness calibration`: every calibration metric for predictions from any model.
 *
 *   calibration --predictions FILE [--labels FILE] [--bins 15] [--rule right|left] [--logits] [--json]
 *               [--diagram out.svg]
 *
 * The file formats are read by src/data/predictions-file.ts (its module comment lists them).
 * --json prints exactly one JSON object with the keys of CALIBRATION_REPORT_KEYS; otherwise an aligned table.
 * Bad input throws HarnessInputError (the main CLI prints the message and exits 2).
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { DataFileError, HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { BIN_RULES, DEFAULT_BIN_RULE, DEFAULT_NUM_BINS, type BinRule } from '../metrics/binning.js';
import { CALIBRATION_REPORT_KEYS, calibrationReport, type CalibrationReport } from '../metrics/calibration-report.js';
import { reliabilityDiagramSvg } from '../report/reliability-diagram.js';
import { readLabelsFile, readPredictionsFile } from '../data/predictions-file.js';

/** Options as commander hands them over (strings before validation). */
export interface CalibrationCommandOptions {
  predictions?: string;
  labels?: string;
  bins?: string | number;
  rule?: string;
  logits?: boolean;
  json?: boolean;
  diagram?: string;
}

function parseBins(v: string | number | undefined): number {
  if (v === undefined) return DEFAULT_NUM_BINS;
  const s = String(v).trim();
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!(Number.isInteger(n) && n >= 1)) throw new HarnessInputError(`--bins must be an integer >= 1; got ${JSON.stringify(String(v))}`, 'bins');
  return n;
}

function parseRule(v: string | undefined): BinRule {
  if (v === undefined) return DEFAULT_BIN_RULE;
  if (!(BIN_RULES as readonly string[]).includes(v)) throw new HarnessInputError(`--rule: ${unknownChoiceMessage('binning rule', v, BIN_RULES)}`, 'rule');
  return v as BinRule;
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? '-' : x.toFixed(digits);
}

/** The human-readable table. */
export function formatCalibrationTable(r: CalibrationReport, info: { file: string; numClasses: number; logits: boolean; diagram?: string }): string {
  const ruleText = r.rule === 'right' ? 'right-closed (lo, hi]' : 'left-closed [lo, hi)';
  const lines: string[] = [];
  lines.push(`Calibration of ${info.file}: ${r.n} examples, ${info.numClasses} classes, ${info.logits ? 'logits (softmaxed)' : 'probabilities'}`);
  lines.push(`Top-label, ${r.bins.length} equal-width bins, ${ruleText}`);
  lines.push('');
  const metrics: [string, number, string][] = [
    ['accuracy', r.accuracy, 'top-1 accuracy, 0..1'],
    ['ece', r.ece, 'expected calibration error, 0..1'],
    ['mce', r.mce, 'maximum calibration error (non-empty bins)'],
    ['rmsce', r.rmsce, 'RMS calibration error (plug-in l2)'],
    ['adaptiveEce', r.adaptiveEce, 'equal-mass ECE (Kumar midpoint edges)'],
    ['classwiseEce', r.classwiseEce, 'classwise ECE, mean over classes'],
    ['debiasedL2', r.debiasedL2, 'debiased l2 calibration error (Kumar)'],
    ['brier', r.brier, 'multiclass Brier score, 0..2'],
    ['nll', r.nll, 'negative log-likelihood, nats'],
  ];
  lines.push(`${'metric'.padEnd(14)}${'value'.padStart(10)}  meaning`);
  for (const [name, value, meaning] of metrics) lines.push(`${name.padEnd(14)}${fmt(value, 6).padStart(10)}  ${meaning}`);
  lines.push('');
  const open = r.rule === 'right' ? '(' : '[';
  const close = r.rule === 'right' ? ']' : ')';
  lines.push(`${'bin'.padStart(4)}  ${'range'.padEnd(15)}${'count'.padStart(10)}${'conf'.padStart(9)}${'acc'.padStart(9)}${'gap'.padStart(9)}`);
  r.bins.forEach((b, j) => {
    const isLast = j === r.bins.length - 1;
    const range = `${j === 0 && r.rule === 'right' ? '[' : open}${b.lower.toFixed(3)}, ${b.upper.toFixed(3)}${isLast && r.rule === 'left' ? ']' : close}`;
    const gap = b.meanConfidence === null || b.accuracy === null ? null : b.meanConfidence - b.accuracy;
    lines.push(
      `${String(j + 1).padStart(4)}  ${range.padEnd(15)}${String(b.count).padStart(10)}${fmt(b.meanConfidence).padStart(9)}` +
        `${fmt(b.accuracy).padStart(9)}${(gap === null ? '-' : (gap >= 0 ? '+' : '') + gap.toFixed(4)).padStart(9)}`,
    );
  });
  lines.push('gap = mean confidence - accuracy (positive: overconfident)');
  if (info.diagram) lines.push(`reliability diagram written to ${info.diagram}`);
  return lines.join('\n') + '\n';
}

/** Run the command: read, compute, write the diagram if asked, and return the text for stdout. */
export async function runCalibrationCommand(opts: CalibrationCommandOptions): Promise<string> {
  if (!opts.predictions) throw new HarnessInputError('calibration needs --predictions FILE', 'predictions');
  const bins = parseBins(opts.bins);
  const rule = parseRule(opts.rule);
  const file = opts.predictions;
  const pred = await readPredictionsFile(file, { separateLabels: opts.labels !== undefined });
  const labels = opts.labels !== undefined ? await readLabelsFile(opts.labels) : pred.labels!;
  const logits = Boolean(opts.logits) || pred.logits;
  let report: CalibrationReport;
  try {
    report = calibrationReport(pred.matrix, labels, { bins, rule, logits });
  } catch (e) {
    if (e instanceof HarnessInputError && !(e instanceof DataFileError)) {
      const where = e.path === 'labels' && opts.labels ? opts.labels : file;
      throw new HarnessInputError(`${where}: ${e.message}`, where);
    }
    throw e;
  }
  if (opts.diagram) {
    const svg = reliabilityDiagramSvg(report.bins, { title: basename(file), ece: report.ece, rule: report.rule });
    try {
      await writeFile(opts.diagram, svg);
    } catch (e) {
      throw new HarnessInputError(`--diagram: cannot write ${opts.diagram} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'diagram');
    }
  }
  if (opts.json) {
    const out: Record<string, unknown> = {};
    for (const k of CALIBRATION_REPORT_KEYS) out[k] = report[k];
    return JSON.stringify(out) + '\n';
  }
  return formatCalibrationTable(report, { file, numClasses: pred.matrix.numClasses, logits, diagram: opts.diagram });
}

/** Add the `calibration` subcommand to the harness CLI. */
export function registerCalibrationCommand(program: Command): void {
  program
    .command('calibration')
    .description('compute every calibration metric (ECE, MCE, RMS-CE, adaptive/classwise ECE, debiased L2, Brier, NLL) for a predictions file')
    .option('--predictions <file>', 'predictions: .json {"probs"|"logits", "labels"}, .csv (values then label), or .npy (N, C) float array')
    .option('--labels <file>', 'labels: .json array, text/.csv one per line, or .npy integer array (required for .npy predictions)')
    .option('--bins <n>', 'number of equal-width bins', String(DEFAULT_NUM_BINS))
    .option('--rule <rule>', `bin boundary rule: right = (lo, hi] (Guo), left = [lo, hi) (numpy/TF)`, DEFAULT_BIN_RULE)
    .option('--logits', 'the values are logits: apply a stable softmax first', false)
    .option('--json', 'print one JSON object instead of a table', false)
    .option('--diagram <out.svg>', 'also write a reliability diagram (SVG)')
    .action(async (opts: CalibrationCommandOptions) => {
      process.stdout.write(await runCalibrationCommand(opts));
    });
}
