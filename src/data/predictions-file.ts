/**
 * Predictions and labels of any model, from the files people have (the `calibration` command's input).
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
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { DataFileError, HarnessInputError } from '../errors.js';
import type { FlatMatrix } from '../metrics/predictions.js';
import { parseCsvRows } from './csv-numbers.js';
import { NPY_MAGIC, parseNpy } from './npy.js';

/** Predictions read from a file: a flat matrix, and labels when the file carries them. */
export interface PredictionFile {
  matrix: FlatMatrix;
  labels?: ArrayLike<number>;
  /** True when the file itself says the values are logits (a JSON "logits" key). */
  logits: boolean;
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
