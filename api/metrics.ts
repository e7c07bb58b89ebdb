/**
 * `topk-harness/metrics`: the calibration metrics as pure functions (arrays in, numbers out), as torchmetrics and
 * netcal users know them. Probabilities or logits, row-major [N, C]; labels as integers. Fractions 0..1.
 *
 * ```ts
 * import { expectedCalibrationError } from 'topk-harness/metrics';
 * const { ece } = expectedCalibrationError({ data: probs, numClasses: 10 }, labels, { bins: 15 });
 * ```
 * docs/metrics.md states the conventions (bins, boundary rule, edge cases).
 */
export * from '../src/metrics/index.js';
export * from '../src/metrics/ood.js';
