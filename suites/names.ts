/** Names of the built-in suites (kept apart from their modules so config validation loads nothing heavy). */
export const SUITE_NAMES = ['calibration', 'sparsity', 'label-noise', 'corruption'] as const;
