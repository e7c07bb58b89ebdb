/** The corruption kernels in WebAssembly (built to wasm/kernels.wasm by `npm run build:wasm`). */
export { fogBytes, plasmaDrawCount } from './fog';
export { gaussianBytes, gaussianSymmetric } from './gaussian';
export { elasticRemap } from './remap';
export { spatterWater, spatterWorkBytes } from './spatter';
export { correlateBytes } from './correlate';
export { diskBytes } from './disk';
export { snowBytes } from './snow';
export { boxHorizontal, boxNearest, boxVertical } from './pil-box';
export { contrastBytes } from './contrast';
export { fillNormals, noiseBytes } from './normals';
export { jpegRoundTrip } from './jpeg';

/**
 * Where the callers' scratch may begin: past the kernels' static data (jpeg.ts's constant pool), 16-byte aligned.
 * src/corruptions/wasm-kernels.ts KernelScratch hands out buffers from here.
 */
export function scratchBase(): usize {
  return (__heap_base + 15) & ~15;
}
