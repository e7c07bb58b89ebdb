/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 dividing every logit, p = softmax(z / T), fitted by
 * minimising the mean NLL on held-out data. T > 1 softens overconfident predictions, T < 1 sharpens.
 *
 * Fit: NLL(β) with β = 1/T is convex (its second derivative is the mean variance of z under softmax(βz)), so
 * NLL is unimodal in u = ln T. A golden-section search on u over [ln minTemperature, ln maxTemperature] brackets
 * the minimum, then Newton steps on β (gradient mean(E_p[z] − z_y), curvature mean(Var_p[z])) polish it,
 * each step accepted only if it lowers the NLL and stays in range. If the minimum lies at a bound (e.g.
 * every example right with a margin, where NLL keeps falling as T → 0), the bound is returned.
 * Logits are validated as finite; labels as integers in [0, C−1].
 */
import { HarnessInputError } from '../errors.js';
import { assertFiniteLogits, toFlatMatrix, toLabels, toPredictions, type FlatMatrix, type Predictions } from './predictions.js';

/** Logits in any of the matrix forms the metrics accept (number[][], flat typed array + numClasses, {data, numClasses}). */
export type LogitInput = number[][] | Float32Array | Float64Array | FlatMatrix;

/** Options of `fitTemperature`. */
export interface TemperatureOptions {
  /** Row width when the logits are a bare typed array. */
  numClasses?: number;
  /** Smallest temperature searched. Default 0.05. */
  minTemperature?: number;
  /** Largest temperature searched. Default 20. */
  maxTemperature?: number;
}

interface Validated {
  z: Float32Array | Float64Array;
  y: Int32Array;
  n: number;
  c: number;
}

function validate(logits: LogitInput, labels: ArrayLike<number>, numClasses?: number): Validated {
  const { data, n, numClasses: c } = toFlatMatrix(logits, numClasses, 'logits');
  assertFiniteLogits(data, c);
  return { z: data, y: toLabels(labels, n, c), n, c };
}

/** Mean NLL of softmax(β z) and, when `derivs`, its first and second derivatives in β. */
function nllAtBeta(v: Validated, beta: number, derivs: boolean): { f: number; g: number; h: number } {
  const { z, y, n, c } = v;
  let f = 0;
  let g = 0;
  let h = 0;
  for (let i = 0, o = 0; i < n; i++, o += c) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) if (z[o + k] > m) m = z[o + k];
    let s = 0;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < c; k++) {
      const d = z[o + k] - m;
      const e = Math.exp(beta * d);
      s += e;
      if (derivs) {
        s1 += e * d;
        s2 += e * d * d;
      }
    }
    const zy = z[o + y[i]] - m;
    f += Math.log(s) - beta * zy;
    if (derivs) {
      const mean = s1 / s;
      g += mean - zy;
      h += s2 / s - mean * mean;
    }
  }
  return { f: f / n, g: g / n, h: h / n };
}

/** Mean NLL (nats) of softmax(z / T) against the labels. */
export function temperatureScaledNll(
  logits: LogitInput,
  labels: ArrayLike<number>,
  temperature: number,
  options: { numClasses?: number } = {},
): number {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new HarnessInputError(`temperature must be a positive finite number; got ${temperature}`, 'temperature');
  }
  return nllAtBeta(validate(logits, labels, options.numClasses), 1 / temperature, false).f;
}

/** Probabilities softmax(z / T) as validated Predictions. */
export function applyTemperature(logits: LogitInput, temperature: number, options: { numClasses?: number } = {}): Predictions {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new HarnessInputError(`temperature must be a positive finite number; got ${temperature}`, 'temperature');
  }
  const { data, numClasses } = toFlatMatrix(logits, options.numClasses, 'logits');
  assertFiniteLogits(data, numClasses);
  const scaled = new Float64Array(data.length);
  const inv = 1 / temperature;
  for (let i = 0; i < data.length; i++) scaled[i] = data[i] * inv;
  return toPredictions({ data: scaled, numClasses }, { logits: true });
}

/** The temperature T minimising the mean NLL of softmax(z / T) against the labels (see the module comment). */
export function fitTemperature(logits: LogitInput, labels: ArrayLike<number>, options: TemperatureOptions = {}): number {
  const tMin = options.minTemperature ?? 0.05;
  const tMax = options.maxTemperature ?? 20;
  if (!(tMin > 0 && tMax > tMin && Number.isFinite(tMax))) {
    throw new HarnessInputError(
      `temperature range must satisfy 0 < minTemperature < maxTemperature < Infinity; got [${tMin}, ${tMax}]`,
      'temperature',
    );
  }
  const v = validate(logits, labels, options.numClasses);
  const f = (u: number) => nllAtBeta(v, Math.exp(-u), false).f;

  // Golden-section search on u = ln T.
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(tMin);
  let b = Math.log(tMax);
  let x1 = b - invPhi * (b - a);
  let x2 = a + invPhi * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  while (b - a > 1e-3) {
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - invPhi * (b - a);
      f1 = f(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + invPhi * (b - a);
      f2 = f(x2);
    }
  }
  let u = f1 <= f2 ? x1 : x2;
  // Also consider the bounds themselves (minimum at the edge of the range).
  for (const edge of [Math.log(tMin), Math.log(tMax)]) if (f(edge) < f(u)) u = edge;

  // Newton polish on β = 1/T (convex there).
  const betaMin = 1 / tMax;
  const betaMax = 1 / tMin;
  let beta = Math.exp(-u);
  let cur = nllAtBeta(v, beta, true);
  for (let it = 0; it < 20 && Math.abs(cur.g) > 1e-12 && cur.h > 0; it++) {
    let next = beta - cur.g / cur.h;
    if (next < betaMin) next = betaMin;
    if (next > betaMax) next = betaMax;
    if (next === beta) break;
    const cand = nllAtBeta(v, next, true);
    if (!(cand.f <= cur.f)) break;
    beta = next;
    cur = cand;
  }
  return 1 / beta;
}
