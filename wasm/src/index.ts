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
