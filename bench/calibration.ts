/** Calibration section of the benchmark: every metric of calibrationReport on 1,000,000 predictions of 10 classes. */
import { calibrationReport } from '../src/metrics/calibration-report.js';
import { rngFor } from '../src/rng.js';

export function benchCalibration(): { millionPredictionsSeconds: number; n: number; classes: number } {
  const n = 1_000_000, c = 10;
  const rng = rngFor(0, 'bench', 'calibration');
  const probs = new Float32Array(n * c);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) s += probs[i * c + j] = rng() ** 4;
    for (let j = 0; j < c; j++) probs[i * c + j] /= s;
    labels[i] = Math.floor(rng() * c);
  }
  const t0 = performance.now();
  calibrationReport({ data: probs, numClasses: c }, labels);
  return { millionPredictionsSeconds: (performance.now() - t0) / 1000, n, classes: c };
}
