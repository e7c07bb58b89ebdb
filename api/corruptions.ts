/**
 * `topk-harness/corruptions`: what a corruption plugin needs, and nothing that loads sharp or tfjs on import.
 *
 * ```ts
 * import { defineCorruption, toUnit, unitToByte } from 'topk-harness/corruptions';
 * export default defineCorruption({
 *   name: 'vignette', version: 1, family: 'custom', severities: [0.1, 0.2, 0.3, 0.4, 0.5],
 *   description: 'darkens the corners by a fraction c',
 *   apply(image, { params }) { ...; return { ...image, data: out }; },
 * });
 * ```
 * docs/plugins.md has the rules (same shape out, input untouched, every random draw from ctx.rng) and the checks
 * the harness runs on every plugin before training.
 */
export {
  assertSeverity, assertTable, CORRUPTION_FAMILIES, CorruptionDefinitionError, defineCorruption, isCorruption,
  SEVERITIES, SEVERITY_TABLES, severityTableFor, SNAKE_CASE, validateCorruption,
  type ApplyFunction, type Corruption, type CorruptionContext, type CorruptionDefinition, type CorruptionFamily,
  type DefinitionIssue, type Severity, type SeverityParams, type SeverityTable,
} from '../src/corruptions/define.js';
export * from '../src/corruptions/image.js';
export { BENCHMARK_CORRUPTIONS, CORRUPTION_GROUPS, HELD_OUT_CORRUPTIONS } from '../src/corruptions/names.js';
export { pixelStream, PixelStream, poissonCdf } from '../src/corruptions/random.js';
export * from '../src/corruptions/filters.js';
export * from '../src/corruptions/color.js';
export { nextPowerOfTwo, plasmaFractal } from '../src/corruptions/textures.js';
export { deriveSeed, permutation, randInt, randNormal, rngFor, type Rng } from '../src/rng.js';
export { corruptImage, corruptionStream, type CorruptImageOptions } from '../src/corruptions/apply.js';
