/**
 * Names of the built-in corruptions in the canonical ImageNet-C order (docs/conventions.md#corruptions), kept apart from the
 * registry so pure code (mCE) can use them without loading the corruption modules.
 */

/** The 15 benchmark corruptions, in the order of the paper's tables and imagecorruptions' corruption_number. */
export const BENCHMARK_CORRUPTIONS = [
  'gaussian_noise', 'shot_noise', 'impulse_noise',
  'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',
  'snow', 'frost', 'fog', 'brightness',
  'contrast', 'elastic_transform', 'pixelate', 'jpeg_compression',
] as const;

/** The 4 extra ("validation") corruptions, reported apart and never part of mCE. */
export const HELD_OUT_CORRUPTIONS = ['speckle_noise', 'gaussian_blur', 'spatter', 'saturate'] as const;

export type BenchmarkCorruptionName = (typeof BENCHMARK_CORRUPTIONS)[number];
export type HeldOutCorruptionName = (typeof HELD_OUT_CORRUPTIONS)[number];
export type BuiltinCorruptionName = BenchmarkCorruptionName | HeldOutCorruptionName;

/** How a corruption is reported: in mCE (the 15), held out (the 4 extras), or a user plugin. */
export type CorruptionGroup = 'benchmark' | 'held-out' | 'plugin';

/** The group of a registered corruption: a plugin unless it is a built-in (source 'built-in') of the 15 or the 4. */
export function corruptionGroup(name: string, source: string): CorruptionGroup {
  if (source !== 'built-in') return 'plugin';
  return (BENCHMARK_CORRUPTIONS as readonly string[]).includes(name) ? 'benchmark'
    : (HELD_OUT_CORRUPTIONS as readonly string[]).includes(name) ? 'held-out' : 'plugin';
}

/** The paper's four groups of the benchmark corruptions (the extras have their own family in each module). */
export const CORRUPTION_GROUPS: Readonly<Record<'noise' | 'blur' | 'weather' | 'digital', readonly BenchmarkCorruptionName[]>> = {
  noise: ['gaussian_noise', 'shot_noise', 'impulse_noise'],
  blur: ['defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur'],
  weather: ['snow', 'frost', 'fog', 'brightness'],
  digital: ['contrast', 'elastic_transform', 'pixelate', 'jpeg_compression'],
};
