/**
 * Calibration and accuracy metrics: pure functions, arrays in, numbers out. Fractions 0..1 throughout
 * (Brier 0..2, NLL in nats). Start with `calibrationReport`; each metric also has its own module.
 */
export * from './predictions.js';
export * from './softmax.js';
export * from './top-label.js';
export * from './binning.js';
export * from './top-label-bins.js';
export * from './accuracy.js';
export * from './nll.js';
export * from './brier.js';
export * from './ece.js';
export * from './maximum-calibration-error.js';
export * from './rms-calibration-error.js';
export * from './adaptive-ece.js';
export * from './classwise-ece.js';
export * from './debiased-l2.js';
export * from './calibration-report.js';
export * from './bootstrap.js';
export * from './temperature-scaling.js';
