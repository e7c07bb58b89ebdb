/**
 * `topk-harness calibration`: every calibration metric for predictions from any model.
 *
 *   calibration --predictions FILE [--labels FILE] [--bins 15] [--rule right|left] [--logits] [--json]
 *               [--diagram out.svg]
 *
 * Prediction files (format from the extension, else sniffed from the content):
 * - JSON: {"probs": number[][], "labels": number[]} or {"logits": number[][], "labels": number[]}; a bare
 *   number[][] is accepted with --labels. A "logits" key implies --logits.
 * - CSV: one row per example, the C class probabilities (or logits) then the integer label; an optional
 *   header line (any non-numeric field). With --labels, every column is a class value and there is no label
 *   column.
 * - .npy: a 2-D float32 or float64 array (N, C), little-endian, C order (numpy's default); labels from --labels.
 * Label files: JSON array (or {"labels": [...]}), text/CSV with one label per line (optional header), or a 1-D
 * integer (or integral float) .npy.
 *
 * --json prints exactly one JSON object with the keys of CALIBRATION_REPORT_KEYS; otherwise an aligned table.
 * Bad input throws HarnessInputError (the main CLI prints the message and exits 2).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { DataFileError, HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { BIN_RULES, DEFAULT_BIN_RULE, DEFAULT_NUM_BINS, type BinRule } from '../metrics/binning.js';
import { CALIBRATION_REPORT_KEYS, calibrationReport, type CalibrationReport } from '../metrics/calibration-report.js';
import type { FlatMatrix } from '../metrics/predictions.js';
import { reliabilityDiagramSvg } from '../report/reliability-diagram.js';

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

/** Predictions read from a file: a flat matrix, and labels when the file carries them. */
export interface PredictionFile {
  matrix: FlatMatrix;
  labels?: ArrayLike<number>;
  /** True when the file itself says the values are logits (a JSON "logits" key). */
  logits: boolean;
}

/** A parsed .npy array. */
export interface NpyArray {
  /** numpy dtype string as stored, e.g. '<f4'. */
  descr: string;
  shape: number[];
  data: Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

const NPY_TYPES: Record<string, { size: number; make: (b: ArrayBuffer) => NpyArray['data'] }> = {
  f4: { size: 4, make: (b) => new Float32Array(b) },
  f8: { size: 8, make: (b) => new Float64Array(b) },
  i1: { size: 1, make: (b) => new Int8Array(b) },
  u1: { size: 1, make: (b) => new Uint8Array(b) },
  i2: { size: 2, make: (b) => new Int16Array(b) },
  u2: { size: 2, make: (b) => new Uint16Array(b) },
  i4: { size: 4, make: (b) => new Int32Array(b) },
  u4: { size: 4, make: (b) => new Uint32Array(b) },
  i8: { size: 8, make: (b) => new BigInt64Array(b) },
  u8: { size: 8, make: (b) => new BigUint64Array(b) },
};

/**
 * Parse a .npy file (format versions 1.0, 2.0, 3.0): little-endian ('<' or '|') numeric dtypes in C order.
 * Big-endian data, Fortran order (for 2-D and up), structured or object dtypes are refused with a clear error.
 */
export function parseNpy(buf: Buffer, file: string): NpyArray {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) {
    throw new DataFileError(file, 'not a .npy file (missing the \\x93NUMPY magic string)');
  }
  const major = buf[6];
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new DataFileError(file, '.npy header is truncated');
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new DataFileError(file, `unsupported .npy format version ${major}.${buf[7]}; expected 1.0, 2.0 or 3.0`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > buf.length) throw new DataFileError(file, '.npy header is truncated');
  const header = buf.subarray(headerStart, dataStart).toString(major === 3 ? 'utf8' : 'latin1');
  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) {
    throw new DataFileError(file, `cannot read the .npy header ${JSON.stringify(header.trim())}; structured dtypes are not supported`);
  }
  const descr = descrMatch[1];
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new DataFileError(file, `bad shape (${shapeMatch[1]}) in the .npy header`);
  }
  const order = descr[0];
  const kind = descr.slice(1);
  if (order === '>') {
    throw new DataFileError(file, `big-endian data ('${descr}') is not supported; save it as little-endian, e.g. arr.astype('<${kind}')`);
  }
  const type = NPY_TYPES[kind];
  if ((order !== '<' && order !== '|' && order !== '=') || !type) {
    throw new DataFileError(
      file,
      `unsupported .npy dtype '${descr}'; expected float32 ('<f4'), float64 ('<f8') or an integer type`,
    );
  }
  if (order === '=' && endianness() !== 'LE') {
    throw new DataFileError(file, `native-order dtype '${descr}' on a big-endian host is not supported`);
  }
  if (fortranMatch[1] === 'True' && shape.filter((d) => d !== 1).length > 1) {
    throw new DataFileError(file, 'Fortran-order (column-major) arrays are not supported; save with np.ascontiguousarray(arr)');
  }
  if (endianness() !== 'LE') throw new DataFileError(file, 'reading .npy files needs a little-endian host');
  const count = shape.reduce((a, b) => a * b, 1);
  const nbytes = count * type.size;
  if (buf.length - dataStart < nbytes) {
    throw new DataFileError(
      file,
      `.npy data is truncated: shape (${shape.join(', ')}) needs ${nbytes} bytes, the file has ${buf.length - dataStart}`,
    );
  }
  // Copy into a fresh, aligned ArrayBuffer (a Buffer's byteOffset need not be a multiple of the item size).
  const ab = new ArrayBuffer(nbytes);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + nbytes));
  return { descr, shape, data: type.make(ab) };
}

/** Which reader a file gets: by extension, else by sniffing the first bytes. */
function detectFormat(file: string, buf: Buffer): 'json' | 'csv' | 'npy' {
  const ext = extname(file).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.json') return 'json';
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return 'csv';
  if (buf.subarray(0, 6).equals(NPY_MAGIC)) return 'npy';
  const head = buf.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') || head.startsWith('[') ? 'json' : 'csv';
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataFileError(file, code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`);
  }
}

function parseJson(buf: Buffer, file: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw new DataFileError(file, `invalid JSON (${(e as Error).message})`);
  }
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf|infinity)$/i;

/** Numeric value of a CSV field (nan/inf spelled as numpy writes them). */
function csvNumber(field: string): number {
  const f = field.toLowerCase();
  if (f === 'nan' || f === '+nan' || f === '-nan') return NaN;
  if (f === 'inf' || f === '+inf' || f === 'infinity' || f === '+infinity') return Infinity;
  if (f === '-inf' || f === '-infinity') return -Infinity;
  return Number(field);
}

/** Rows of numeric fields, skipping blank lines and one optional header line. `line` is 1-based. */
function parseCsvRows(text: string, file: string): { fields: number[]; line: number }[] {
  const rows: { fields: number[]; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let width = -1;
  let widthLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw.length === 0) continue;
    const parts = raw.split(',').map((s) => s.trim());
    const numeric = parts.every((s) => NUMBER_RE.test(s));
    if (!numeric) {
      if (rows.length === 0 && width === -1) {
        width = -2; // header seen; only one allowed
        continue;
      }
      const bad = parts.findIndex((s) => !NUMBER_RE.test(s));
      throw new DataFileError(file, `line ${i + 1}, column ${bad + 1}: ${JSON.stringify(parts[bad])} is not a number`);
    }
    if (width < 0) {
      width = parts.length;
      widthLine = i + 1;
    } else if (parts.length !== width) {
      throw new DataFileError(file, `line ${i + 1} has ${parts.length} fields but line ${widthLine} has ${width}`);
    }
    rows.push({ fields: parts.map(csvNumber), line: i + 1 });
  }
  return rows;
}

/** Read a predictions file (JSON, CSV or .npy; see the module comment). */
export async function readPredictionsFile(file: string, options: { separateLabels: boolean }): Promise<PredictionFile> {
  const buf = await readInput(file);
  const format = detectFormat(file, buf);
  if (format === 'npy') {
    const arr = parseNpy(buf, file);
    if (arr.shape.length !== 2) {
      throw new DataFileError(file, `expected a 2-D array (N, C) of predictions; got shape (${arr.shape.join(', ')})`);
    }
    if (!(arr.data instanceof Float32Array || arr.data instanceof Float64Array)) {
      throw new DataFileError(file, `predictions must be float32 ('<f4') or float64 ('<f8'); got '${arr.descr}'`);
    }
    if (arr.shape[0] === 0 || arr.shape[1] === 0) throw new DataFileError(file, 'predictions are empty: need at least one example');
    if (!options.separateLabels) {
      throw new HarnessInputError(`${file}: a .npy predictions file needs --labels FILE`, 'labels');
    }
    return { matrix: { data: arr.data, numClasses: arr.shape[1] }, logits: false };
  }
  if (format === 'json') {
    const doc = parseJson(buf, file);
    let rows: unknown;
    let labels: unknown;
    let logits = false;
    if (Array.isArray(doc)) {
      rows = doc;
    } else if (doc !== null && typeof doc === 'object') {
      const o = doc as Record<string, unknown>;
      if ('probs' in o && 'logits' in o) throw new DataFileError(file, 'has both "probs" and "logits"; give one');
      if ('logits' in o) {
        rows = o.logits;
        logits = true;
      } else if ('probs' in o) {
        rows = o.probs;
      } else {
        throw new DataFileError(file, 'expected a JSON object with "probs" (or "logits") and "labels"');
      }
      labels = o.labels;
    } else {
      throw new DataFileError(file, 'expected a JSON object with "probs" (or "logits") and "labels"');
    }
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) {
      throw new DataFileError(file, `"${logits ? 'logits' : 'probs'}" must be an array of rows (number[][])`);
    }
    if (rows.length === 0) throw new DataFileError(file, 'predictions are empty: need at least one example');
    const c = (rows[0] as unknown[]).length;
    const data = new Float64Array(rows.length * c);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as unknown[];
      if (row.length !== c) throw new DataFileError(file, `row ${i} has ${row.length} entries but row 0 has ${c}`);
      for (let k = 0; k < c; k++) {
        const v = row[k];
        if (typeof v !== 'number') throw new DataFileError(file, `row ${i}, class ${k} is not a number (got ${JSON.stringify(v)})`);
        data[i * c + k] = v;
      }
    }
    if (c === 0) throw new DataFileError(file, 'rows are empty: need at least one class');
    if (labels !== undefined) {
      if (options.separateLabels) throw new HarnessInputError(`${file} has "labels" and --labels was given too; give one`, 'labels');
      if (!Array.isArray(labels)) throw new DataFileError(file, '"labels" must be an array of class indices');
      return { matrix: { data, numClasses: c }, labels: labels as number[], logits };
    }
    if (!options.separateLabels) throw new DataFileError(file, 'has no "labels"; add them or pass --labels FILE');
    return { matrix: { data, numClasses: c }, logits };
  }
  const rows = parseCsvRows(buf.toString('utf8'), file);
  if (rows.length === 0) throw new DataFileError(file, 'predictions are empty: need at least one example');
  const width = rows[0].fields.length;
  const c = options.separateLabels ? width : width - 1;
  if (c < 1) {
    throw new DataFileError(file, `each row needs the class values then the label; line ${rows[0].line} has ${width} field`);
  }
  const data = new Float64Array(rows.length * c);
  const labels = options.separateLabels ? undefined : new Array<number>(rows.length);
  rows.forEach((r, i) => {
    for (let k = 0; k < c; k++) data[i * c + k] = r.fields[k];
    if (labels) labels[i] = r.fields[c];
  });
  return { matrix: { data, numClasses: c }, labels, logits: false };
}

/** Read a labels file: JSON array, .npy 1-D integer array, or text/CSV with one label per line. */
export async function readLabelsFile(file: string): Promise<ArrayLike<number>> {
  const buf = await readInput(file);
  const format = detectFormat(file, buf);
  if (format === 'npy') {
    const arr = parseNpy(buf, file);
    if (!(arr.shape.length === 1 || (arr.shape.length === 2 && arr.shape[1] === 1))) {
      throw new DataFileError(file, `expected a 1-D array of labels; got shape (${arr.shape.join(', ')})`);
    }
    const d = arr.data;
    if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
      const out = new Float64Array(d.length);
      for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
      return out;
    }
    return d;
  }
  if (format === 'json') {
    const doc = parseJson(buf, file);
    const arr = Array.isArray(doc) ? doc : doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>).labels : undefined;
    if (!Array.isArray(arr)) throw new DataFileError(file, 'expected a JSON array of labels (or {"labels": [...]})');
    return arr as number[];
  }
  const rows = parseCsvRows(buf.toString('utf8'), file);
  if (rows.length > 0 && rows[0].fields.length !== 1) {
    throw new DataFileError(file, `expected one label per line; line ${rows[0].line} has ${rows[0].fields.length} fields`);
  }
  return rows.map((r) => r.fields[0]);
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
