/** The corruption kernels in WebAssembly (built to wasm/kernels.wasm by `npm run build:wasm`). */
export { gaussianBytes, gaussianSymmetric } from './gaussian';
export { correlateBytes } from './correlate';
export { diskBytes } from './disk';
export { snowBytes } from './snow';
