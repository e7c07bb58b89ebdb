/**
 * Preflight: run every corruption once per severity on a small probe image before any model trains, so a
 * plugin's mistakes stop the run in seconds with one line that names the plugin, the severity and the rule,
 * instead of a stack trace after both models trained (or silently wrong scorecards).
 *
 * Per severity 1..5 (the run's table), first failing rule wins:
 * - params:           c.params(s, table) holds NaN or ±Infinity anywhere (nested arrays/objects too).
 * - throws / range:   apply threw; 'range' when it was a NaNPixelError from the byte helpers (image.ts).
 * - type:             the result is not { data: Uint8Array, height, width, channels } with integer sizes.
 * - shape:            height, width, channels or data.length differ from the input's.
 * - mutates-input:    the input's bytes changed (compared with a copy taken before the call).
 * - nondeterministic: a second call with the same stream (imageContext(seed, c, s, 0, ...), as apply.ts
 *                     derives it) on a fresh copy of the probe gives different bytes.
 *
 * Why there is no check for values that wrapped past 255: the output is a Uint8Array, so `out[i] = 260` is
 * stored as 4 and `out[i] = NaN` as 0 by the engine, before the harness can see anything. Catching the write
 * would need an array that intercepts indexed stores; typed arrays are integer-indexed exotic objects (a
 * subclass cannot define index setters) and a Proxy around one is not a TypedArray (its methods throw on it,
 * and `new Uint8Array(n)` inside the plugin would bypass it anyway). Judging the bytes afterwards ("bright
 * pixels went dark") cannot tell a wrap from a legitimate inversion, so it is not attempted. What is sound:
 * the byte helpers plugins are told to use (unitToByte, clipToByte, roundToByte, imageFromUnit, imageFrom255)
 * clip out-of-range values the way the reference does and refuse NaN with a NaNPixelError, reported here as
 * rule 'range'.
 */
import { HarnessInputError } from '../errors.js';
import { rngFor } from '../rng.js';
import { imageContext } from './apply.js';
import { assertTable, SEVERITIES, type Corruption, type Severity, type SeverityTable } from './define.js';
import { imageProblem, type Image, type ImageShape } from './image.js';
import { describeValue } from '../util/describe-value.js';

/** Which check a corruption failed (see the module comment). */
export type PreflightRule = 'shape' | 'type' | 'params' | 'nondeterministic' | 'mutates-input' | 'throws' | 'range';

/** One failed check, as data; formatPreflightFailure renders it as one line. */
export interface PreflightFailure {
  /** The corruption's name. */
  corruption: string;
  /** Where it came from: 'built-in' or the plugin specifier. */
  source: string;
  /** 1..5, or null for a failure not tied to one severity. */
  severity: number | null;
  rule: PreflightRule;
  /** What is wrong, one line, without the plugin/severity prefix. */
  message: string;
}

export interface PreflightOptions {
  /** The run seed: the probe is corrupted with the streams image 0 would get. */
  seed: number | string;
  /** The run's parameter table. */
  table: SeverityTable;
  /** An image of the run's shape, e.g. probeImage(shape, seed). Never modified. */
  probe: Image;
}

/** The first preflight failure of a run; `failures` holds every failure found. Exit code 2 (bad input). */
export class CorruptionPreflightError extends HarnessInputError {
  readonly failures: readonly PreflightFailure[];
  constructor(failures: readonly PreflightFailure[]) {
    const first = failures[0];
    super(formatPreflightFailure(first), first.source === 'built-in' ? first.corruption : first.source);
    this.name = 'CorruptionPreflightError';
    this.failures = failures;
  }
}

/** "corruption plugin 'vignette' (./plugins/vignette.ts), severity 3: returned 27x28x1, expected 28x28x1 [rule: shape]" */
export function formatPreflightFailure(f: PreflightFailure): string {
  const at = f.severity !== null ? `, severity ${f.severity}` : '';
  return oneLine(`corruption plugin '${f.corruption}' (${f.source})${at}: ${f.message} [rule: ${f.rule}]`);
}

/** Image index whose streams the probe uses. */
const PROBE_INDEX = 0;

/** Check one corruption at severities 1..5; resolves to its failures (empty when it passes). */
export async function preflightCorruption(
  c: Corruption, opts: PreflightOptions & { source: string },
): Promise<PreflightFailure[]> {
  const p = imageProblem(opts.probe);
  if (p !== null) throw new TypeError(`preflight probe: ${p}`);
  assertTable(opts.table);
  const failures: PreflightFailure[] = [];
  for (const severity of SEVERITIES) {
    const problem = await checkSeverity(c, severity, opts);
    if (problem !== null) failures.push({ corruption: c.name, source: opts.source, severity, ...problem });
  }
  return failures;
}

/** Check every corruption; throws CorruptionPreflightError naming the first failure, if any. */
export async function preflightCorruptions(
  list: readonly { corruption: Corruption; source: string }[], opts: PreflightOptions,
): Promise<void> {
  const failures: PreflightFailure[] = [];
  for (const { corruption, source } of list) failures.push(...await preflightCorruption(corruption, { ...opts, source }));
  if (failures.length > 0) throw new CorruptionPreflightError(failures);
}

/**
 * A seeded, photo-like probe of the run's shape: per-channel diagonal gradients that reach both 0 and 255
 * (so clipping paths run), fine stripes and seeded grain (so blurs and noise have texture to act on), and
 * colour that differs between channels (so HSV corruptions see saturation). Gray probes take the luma.
 */
export function probeImage(shape: ImageShape, seed: number | string): Image {
  const { height, width, channels } = shape;
  for (const [k, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`probeImage: ${k} must be a positive integer, got ${describeValue(v)}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`probeImage: channels must be 1 or 3, got ${describeValue(channels)}`);
  const rng = rngFor(seed, 'preflight', 'probe');
  const data = new Uint8Array(height * width * channels); // (H, W, C)
  const rgb = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / Math.max(1, width - 1);
      const v = y / Math.max(1, height - 1);
      const texture = 18 * Math.sin((x + 2 * y) * 1.3) + 32 * (rng() - 0.5);
      rgb[0] = 300 * (0.7 * u + 0.3 * v) - 20 + texture;
      rgb[1] = 300 * (0.3 * u + 0.7 * v) - 20 + texture;
      rgb[2] = 300 * (1 - 0.5 * (u + v)) - 20 + texture;
      const o = (y * width + x) * channels;
      if (channels === 3) for (let c = 0; c < 3; c++) data[o + c] = toByte(rgb[c]);
      else data[o] = toByte(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
    }
  }
  return { data, height, width, channels };
}

type Problem = { rule: PreflightRule; message: string };

async function checkSeverity(c: Corruption, severity: Severity, opts: PreflightOptions): Promise<Problem | null> {
  const { table, probe } = opts;
  const params = c.params(severity, table);
  const bad = nonFinite(params, 'params', new Set());
  if (bad !== null) {
    return { rule: 'params', message: `${bad.path} is ${bad.value} in the ${table} table; severity parameters must be finite numbers` };
  }

  const input = copyImage(probe);
  const first = await runOnce(c, input, severity, params, opts);
  if ('rule' in first) return first;
  const firstBytes = new Uint8Array(first.data); // a copy: the plugin may reuse its output buffer on the next call
  const changed = countDifferent(input.data, probe.data);
  if (changed > 0) {
    return {
      rule: 'mutates-input',
      message: `changed ${changed} of ${probe.data.length} bytes of its input image; copy it first (image.data.slice()) and write into the copy`,
    };
  }

  const second = await runOnce(c, copyImage(probe), severity, params, opts);
  if ('rule' in second) return second;
  if (countDifferent(firstBytes, second.data) > 0) {
    return {
      rule: 'nondeterministic',
      message: 'output differs between two calls with the same seed (uses Math.random or other state? draw every random number from ctx.rng)',
    };
  }
  return null;
}

/** One apply call with the stream image PROBE_INDEX gets; the result checked for type and shape. */
async function runOnce(
  c: Corruption, input: Image, severity: Severity, params: unknown, opts: PreflightOptions,
): Promise<Image | Problem> {
  const shape = { height: input.height, width: input.width, channels: input.channels };
  let out: unknown;
  try {
    out = await c.apply(input, imageContext(opts.seed, c, severity, PROBE_INDEX, opts.table, params));
  } catch (err) {
    // Duck-typed: the plugin may use the byte helpers from another copy of the harness.
    if (err instanceof RangeError && err.name === 'NaNPixelError') return { rule: 'range', message: oneLine(err.message) };
    const what = err instanceof Error ? `${err.name}: ${err.message}` : describeValue(err);
    return { rule: 'throws', message: `apply threw ${firstLine(what)}` };
  }
  return typeProblem(out) ?? shapeProblem(out as Image, shape) ?? (out as Image);
}

function typeProblem(out: unknown): Problem | null {
  if (typeof out !== 'object' || out === null || Array.isArray(out) || ArrayBuffer.isView(out)) {
    return { rule: 'type', message: `returned ${describeValue(out)}, expected an image { data, height, width, channels }` };
  }
  const o = out as Record<string, unknown>;
  if (!(o.data instanceof Uint8Array)) {
    return { rule: 'type', message: `returned data as ${describeData(o.data)}, expected a Uint8Array` };
  }
  for (const k of ['height', 'width', 'channels'] as const) {
    if (typeof o[k] !== 'number' || !Number.isInteger(o[k])) {
      return { rule: 'type', message: `returned ${k} ${describeValue(o[k])}, expected an integer` };
    }
  }
  return null;
}

function shapeProblem(out: Image, want: ImageShape): Problem | null {
  const got = `${out.height}x${out.width}x${out.channels}`;
  const expected = `${want.height}x${want.width}x${want.channels}`;
  if (got !== expected) return { rule: 'shape', message: `returned ${got}, expected ${expected}` };
  const bytes = want.height * want.width * want.channels;
  if (out.data.length !== bytes) {
    return { rule: 'shape', message: `returned ${out.data.length} bytes of data for ${got}, expected ${bytes}` };
  }
  return null;
}

/** The first NaN/±Infinity in a parameter value, with its path (params.sigma, params[2]); null when all finite. */
function nonFinite(v: unknown, path: string, seen: Set<object>): { path: string; value: number } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : { path, value: v };
  if (typeof v !== 'object' || v === null || seen.has(v)) return null;
  seen.add(v);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const list = v as ArrayLike<unknown>;
    for (let i = 0; i < list.length; i++) {
      const bad = nonFinite(list[i], `${path}[${i}]`, seen);
      if (bad !== null) return bad;
    }
    return null;
  }
  for (const [k, item] of Object.entries(v)) {
    const bad = nonFinite(item, `${path}.${k}`, seen);
    if (bad !== null) return bad;
  }
  return null;
}

/** "a Float32Array", "a number[] of length 784", "undefined". */
function describeData(v: unknown): string {
  if (Array.isArray(v)) return `${v.every((x) => typeof x === 'number') ? 'a number[]' : 'an array'} of length ${v.length}`;
  return describeValue(v);
}

function copyImage(image: Image): Image {
  return { data: new Uint8Array(image.data), height: image.height, width: image.width, channels: image.channels };
}

function countDifferent(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function toByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
