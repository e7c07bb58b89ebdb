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
import { pilBoxResize, pilBoxResizeJs, pilBoxResizeWasm, pilBoxRoundTrip } from '../../src/corruptions/pil-box.js';
import { KERNELS_FILE, wasmKernels } from '../../src/corruptions/wasm-kernels.js';
import { PACKAGE_ROOT } from '../../src/package-root.js';
import { corruptImage } from '../../src/corruptions/apply.js';
import type { Severity, SeverityTable } from '../../src/corruptions/define.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';
import pixelate, { pixelateSide } from '../../corruptions/pixelate.js';
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
    expect(gaussianFilterBytes(new Uint8Array(27), 3, 3, 3, 0.5)).to.not.equal(null);
    await withEnv('TOPK_HARNESS_WASM_KERNELS', '0', async () => {
      expect(wasmKernels()).to.equal(null);
      expect(gaussianFilterBytes(new Uint8Array(27), 3, 3, 3, 0.5)).to.equal(null);
      expect(pilBoxResizeWasm(new Uint8Array(27), 3, 3, 3, 2, 2)).to.equal(null);
    });
    expect(wasmKernels()).to.not.equal(null);
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

  // Corruption by corruption: the output bytes with the kernels on equal those of the JavaScript path, every severity
  // of both tables, RGB and gray, sizes where the kernels' edge cases show (tiny, odd, non-square).
  const shapes: [number, number, 1 | 3][] = [[2, 3, 3], [9, 7, 1], [32, 32, 3], [33, 50, 3], [64, 61, 1]];
  for (const name of ['gaussian_blur', 'glass_blur', 'elastic_transform', 'fog', 'spatter', 'pixelate', 'contrast', 'gaussian_noise', 'speckle_noise']) {
    it(`${name}: the same bytes with the kernels on and off (both tables, 5 severities, ${shapes.length} shapes)`, async function () {
      this.timeout(60_000);
      const corruption = BUILTIN_CORRUPTIONS.find((c) => c.name === name)!;
      for (const [h, w, c] of shapes) {
        const data = Uint8Array.from(randomDoubles(h * w * c, h * w + c), (v) => Math.floor(v * 256));
        for (const table of ['cifar', 'imagenet'] as SeverityTable[]) {
          for (const severity of [1, 2, 3, 4, 5] as Severity[]) {
            const run = () => corruptImage({ data, height: h, width: w, channels: c }, corruption, severity, { seed: 5, index: 2, table });
            const on = await run();
            const off = await withEnv('TOPK_HARNESS_WASM_KERNELS', '0', run);
            const diff = firstDifference(on.data, off.data);
            expect(diff, `${h}x${w}x${c} ${table} severity ${severity}: ${diff}`).to.equal(null);
          }
        }
      }
    });
  }

  describe('Pillow BOX resize (pixelate): the JavaScript port\'s bytes', () => {
    const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from(randomDoubles(n, seed), (v) => Math.floor(v * 256));
    const sizes: [number, number][] = [[1, 1], [1, 7], [5, 1], [2, 3], [7, 9], [11, 6], [13, 13], [28, 28], [32, 32], [33, 47], [64, 37], [224, 224], [97, 250]];
    /** Output sizes: shrinks by up to 4x (the one-load gather) and by more (tap by tap), enlargements, mixed, same. */
    const targets = (h: number, w: number): [number, number][] => [
      [1, 1], [Math.max(1, h >> 1), Math.max(1, w >> 1)], [Math.max(1, Math.trunc(h * 0.4)), Math.max(1, Math.trunc(w * 0.3))],
      [Math.max(1, Math.trunc(h / 5)), Math.max(1, Math.trunc(w / 9))], [h + 3, 2 * w + 1], [Math.max(1, h - 1), w + 5],
      [h, Math.max(1, w - 1)], [h * 3, w], [h, w],
    ];

    for (const c of [1, 3]) {
      it(`resizes ${sizes.length} input sizes x 9 output sizes, ${c} channel${c === 1 ? '' : 's'}`, () => {
        for (const [h, w] of sizes) {
          const src = bytes(h * w * c, h * 7 + w);
          for (const [oh, ow] of targets(h, w)) {
            const js = pilBoxResizeJs(src, h, w, c, oh, ow);
            const wasm = pilBoxResizeWasm(src, h, w, c, oh, ow);
            expect(wasm, `${h}x${w}x${c} -> ${oh}x${ow}: the kernels took it`).to.not.equal(null);
            const diff = firstDifference(wasm!, js);
            expect(diff, `${h}x${w}x${c} -> ${oh}x${ow}: ${diff}`).to.equal(null);
          }
        }
      });
    }

    it('a shrink summing more than 257 taps (16-bit sums) runs in JavaScript, with the same bytes', () => {
      const src = bytes(3 * 300 * 3, 5);
      expect(pilBoxResizeWasm(src, 3, 300, 3, 2, 1)).to.equal(null);
      expect(firstDifference(pilBoxResize(src, 3, 300, 3, 2, 1), pilBoxResizeJs(src, 3, 300, 3, 2, 1))).to.equal(null);
      expect(pilBoxResizeWasm(src, 3, 300, 3, 2, 2)).to.not.equal(null); // 150 taps
    });

    it('down and back up at every pixelate severity of both tables (sizes 32, 28, 224, odd, non-square, 1 px), wasm = JavaScript', async () => {
      const shapes: [number, number, number][] = [[32, 32, 3], [28, 28, 1], [224, 224, 3], [224, 224, 1], [31, 45, 3], [300, 7, 3], [1, 1, 3], [2, 2, 1]];
      for (const [h, w, c] of shapes) {
        const src = bytes(h * w * c, h + w + c);
        for (const f of [...pixelate.severities.cifar, ...pixelate.severities.imagenet]) {
          const sh = pixelateSide(h, f), sw = pixelateSide(w, f);
          const wasm = pilBoxRoundTrip(src, h, w, c, sh, sw);
          const js = await withEnv('TOPK_HARNESS_WASM_KERNELS', '0', async () => pilBoxRoundTrip(src, h, w, c, sh, sw));
          const diff = firstDifference(wasm, js) ?? firstDifference(wasm, pilBoxResizeJs(pilBoxResizeJs(src, h, w, c, sh, sw), sh, sw, c, h, w));
          expect(diff, `${h}x${w}x${c} via ${sh}x${sw}: ${diff}`).to.equal(null);
        }
      }
    });
  });
});
