/**
 * The WebAssembly corruption kernels (wasm/kernels.wasm): the committed binary is what its source builds to, and
 * each kernel gives the JavaScript implementation's values bit for bit (the JavaScript is the fallback, and the
 * port of the reference whose fidelity the other tests check).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BorderMode } from '../../src/corruptions/border.js';
import { gaussianFilterBytes, gaussianKernel1d, separableSymmetric, separableSymmetricWasm } from '../../src/corruptions/gaussian.js';
import { FLOAT_NOISE } from '../../src/corruptions/image.js';
import { KERNELS_FILE, wasmKernels } from '../../src/corruptions/wasm-kernels.js';
import { PACKAGE_ROOT } from '../../src/package-root.js';
import { withEnv } from '../support/env.js';

function randomDoubles(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `index ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

describe('WebAssembly corruption kernels', () => {
  it('wasm/kernels.wasm is what `npm run build:wasm` makes of wasm/src', function () {
    this.timeout(60_000);
    const script = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:wasm'];
    const args = script.split(/\s+/);
    expect(args[0]).to.equal('asc');
    const dir = mkdtempSync(path.join(tmpdir(), 'topk-wasm-'));
    try {
      const out = path.join(dir, 'kernels.wasm');
      const outAt = args.indexOf('--outFile');
      args[outAt + 1] = out;
      const asc = path.join(PACKAGE_ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
      execFileSync(process.execPath, [asc, ...args.slice(1)], { cwd: PACKAGE_ROOT, stdio: 'pipe' });
      expect(readFileSync(out).equals(readFileSync(KERNELS_FILE)), 'the committed kernels.wasm is stale: run npm run build:wasm').to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads here (Node 20 has WebAssembly SIMD), and TOPK_HARNESS_WASM_KERNELS=0 switches it off', async () => {
    expect(wasmKernels()).to.not.equal(null);
    await withEnv('TOPK_HARNESS_WASM_KERNELS', '0', async () => {
      expect(wasmKernels()).to.equal(null);
      expect(gaussianFilterBytes(new Uint8Array(27), 3, 3, 3, 0.5)).to.equal(null);
    });
  });

  const cases: [number, number, number, number, BorderMode][] = [
    [7, 9, 1, 0.5, 'nearest'], [32, 32, 3, 0.7, 'nearest'], [32, 32, 3, 1, 'reflect'], [50, 61, 3, 3, 'nearest'],
    [61, 50, 1, 2, 'reflect'], [40, 33, 3, 6, 'reflect101'], [224, 224, 3, 3, 'nearest'],
  ];
  for (const [h, w, c, sigma, mode] of cases) {
    it(`separable Gaussian, ${h}x${w}x${c}, sigma ${sigma}, ${mode}: the JavaScript's doubles bit for bit`, () => {
      const src = randomDoubles(h * w * c, h * 1000 + w + c);
      const kernel = gaussianKernel1d(sigma);
      const diff = firstDifference(separableSymmetricWasm(src, h, w, c, kernel, mode)!, separableSymmetric(src, h, w, c, kernel, mode));
      expect(diff, diff ?? '').to.equal(null);
    });
  }

  it('gaussian_blur\'s byte path: the bytes of unitToByte(JavaScript filter of x / 255)', () => {
    for (const [h, w, c, sigma] of [[32, 32, 3, 0.7], [224, 224, 3, 6], [19, 23, 1, 1]] as const) {
      const data = Uint8Array.from(randomDoubles(h * w * c, sigma * 10), (v) => Math.floor(v * 256));
      const unit = Float64Array.from(data, (v) => v / 255);
      const filtered = separableSymmetric(unit, h, w, c, gaussianKernel1d(sigma), 'nearest');
      const expected = Uint8Array.from(filtered, (v) => (v > 0 ? (v >= 1 ? 255 : Math.trunc(v * 255 + FLOAT_NOISE)) : 0));
      const diff = firstDifference(gaussianFilterBytes(data, h, w, c, sigma)!, expected);
      expect(diff, `${h}x${w}x${c} sigma ${sigma}: ${diff}`).to.equal(null);
    }
  });
});
