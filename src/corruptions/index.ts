/**
 * The corruption layer in one import, for suites, the CLI and plugin authors:
 *
 * ```ts
 * const registry = await createCorruptionRegistry({ plugins: config.plugins });
 * const table = options.table ?? severityTableFor(test.height, test.width);
 * for (const c of registry.benchmark()) for (const s of SEVERITIES) {
 *   const corrupted = await corruptDataset(test, c, s, { seed, table });
 *   // ...evaluate; errors[c.name][s - 1] = 1 − accuracy
 * }
 * const { mean: mCE } = meanCorruptionError(errors, table === 'imagenet' ? ALEXNET_ERRORS : vanillaErrors);
 * ```
 * Shared image helpers for plugins live in image.ts (conversions), random.ts (pixelStream), filters.ts, color.ts
 * and textures.ts.
 */
export * from './define.js';
export * from './image.js';
export * from './names.js';
export {
  builtinCorruptions, CorruptionRegistry, createCorruptionRegistry, loadCorruptionModule, unknownCorruptionMessage,
  type CorruptionSource, type LoadOptions, type RegisteredCorruption, type RegistryOptions,
} from './registry.js';
export * from './apply.js';
export * from './corruption-error.js';
export { previewGrid, type PreviewOptions } from './preview.js';
export { pixelStream, PixelStream } from './random.js';
