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
import { jpegLossyRoundTripJs, jpegLossyRoundTripWasm } from '../../src/corruptions/jpeg-codec.js';
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
  it('wasm/kernels.wasm and wasm/train-kernels.wasm are what `npm run build:wasm` makes of their sources', function () {
    this.timeout(120_000);
    const script = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:wasm'];
    const commands = script.split('&&').map((c) => c.trim().split(/\s+/));
    expect(commands.map((args) => args[args.indexOf('--outFile') + 1])).to.deep.equal(['wasm/kernels.wasm', 'wasm/train-kernels.wasm']);
    expect(path.join(PACKAGE_ROOT, 'wasm/kernels.wasm')).to.equal(KERNELS_FILE);
    const dir = mkdtempSync(path.join(tmpdir(), 'topk-wasm-'));
    try {
      for (const args of commands) {
        expect(args[0]).to.equal('asc');
        const outAt = args.indexOf('--outFile');
        const committed = path.join(PACKAGE_ROOT, args[outAt + 1]);
        const out = path.join(dir, path.basename(committed));
        args[outAt + 1] = out;
        const asc = path.join(PACKAGE_ROOT, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
        execFileSync(process.execPath, [asc, ...args.slice(1)], { cwd: PACKAGE_ROOT, stdio: 'pipe' });
        expect(readFileSync(out).equals(readFileSync(committed)), `the committed ${path.basename(committed)} is stale: run npm run build:wasm`).to.equal(true);
      }
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
      expect(jpegLossyRoundTripWasm(new Uint8Array(27), 3, 3, 3, 50)).to.equal(null);
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
  for (const name of ['gaussian_blur', 'glass_blur', 'elastic_transform', 'fog', 'spatter', 'pixelate', 'contrast', 'gaussian_noise', 'speckle_noise', 'jpeg_compression']) {
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

  describe('JPEG round trip (jpeg_compression): the JavaScript port\'s bytes', () => {
    // The cases of jpeg-codec.test.ts, where the JavaScript is checked against sharp and Pillow.
    const QUALITIES = [1, 7, 10, 15, 18, 25, 40, 50, 58, 65, 80, 95, 100];
    const SIZES: [number, number][] = [
      [1, 1], [1, 2], [2, 1], [2, 2], [3, 5], [4, 4], [5, 7], [7, 9], [8, 8], [8, 16], [16, 8], [9, 7],
      [17, 23], [31, 17], [24, 40], [33, 65], [32, 32], [224, 224], [47, 100], [100, 47],
    ];
    const noise = (h: number, w: number, c: number, seed: number): Uint8Array =>
      Uint8Array.from(randomDoubles(h * w * c, seed), (v) => Math.floor(v * 256));
    /** Photo-like: smooth waves plus a little noise (sparse coefficients). */
    const smooth = (h: number, w: number, c: number, seed: number): Uint8Array => {
      const jitter = randomDoubles(h * w * c, seed);
      return Uint8Array.from(jitter, (v, i) => {
        const k = i % c, x = Math.floor(i / c) % w, y = Math.floor(i / c / w);
        return Math.max(0, Math.min(255, Math.round(128 + 100 * Math.sin(x * 0.11 + k) * Math.cos(y * 0.07 - 2 * k) + v * 8)));
      });
    };
    const same = (data: Uint8Array, h: number, w: number, c: 1 | 3, q: number, what: string): void => {
      const wasm = jpegLossyRoundTripWasm(data, h, w, c, q);
      expect(wasm, `${what} ${h}x${w}x${c} q${q}: the kernels took it`).to.not.equal(null);
      const diff = firstDifference(wasm!, jpegLossyRoundTripJs(data, h, w, c, q));
      expect(diff, `${what} ${h}x${w}x${c} q${q}: ${diff}`).to.equal(null);
    };

    it(`${SIZES.length} sizes (1x1 to 224x224, odd, non-square), RGB and gray, noise and smooth, qualities ${QUALITIES.join(' ')}`, function () {
      this.timeout(60_000);
      for (const [h, w] of SIZES) {
        for (const c of [3, 1] as const) {
          for (const [kind, make] of [['noise', noise], ['smooth', smooth]] as const) {
            const data = make(h, w, c, h * 31 + w + c);
            for (const q of QUALITIES) same(data, h, w, c, q, kind);
          }
        }
      }
    });

    it('every quality 1..100 at 32x32 RGB noise, 224x224 RGB smooth and 17x23 gray smooth', function () {
      this.timeout(60_000);
      const rgb = noise(32, 32, 3, 1), big = smooth(224, 224, 3, 2), gray = smooth(17, 23, 1, 3);
      for (let q = 1; q <= 100; q++) {
        same(rgb, 32, 32, 3, q, 'noise');
        same(big, 224, 224, 3, q, 'smooth');
        same(gray, 17, 23, 1, q, 'smooth');
      }
    });

    it('the IDCT-overshoot block (548 before range limiting, quality 1) saturates as in the JavaScript', () => {
      const block = Uint8Array.from([
        255, 23, 216, 249, 0, 255, 255, 6, 255, 166, 0, 255, 0, 41, 21, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 220, 185, 255, 0,
        0, 220, 0, 255, 192, 255, 0, 0, 236, 69, 255, 34, 0, 0, 255, 255, 255, 255, 234, 0, 250, 29, 255, 255, 255, 0, 0, 255, 203, 0, 255, 142,
      ]);
      same(block, 8, 8, 1, 1, 'overshoot block');
      // the same block as every channel of an RGB image, and tiled
      const rgb = Uint8Array.from({ length: 64 * 3 }, (_, i) => block[Math.floor(i / 3)]);
      same(rgb, 8, 8, 3, 1, 'overshoot block, RGB');
      const tiled = Uint8Array.from({ length: 40 * 40 }, (_, i) => block[(Math.floor(i / 40) % 8) * 8 + (i % 40) % 8]);
      same(tiled, 40, 40, 1, 1, 'overshoot block, tiled');
    });

    it('extremes: all 0, all 255, a checkerboard of 0 and 255, RGB and gray, qualities 1, 50, 100', () => {
      for (const c of [3, 1] as const) {
        const [h, w] = [37, 45];
        for (const data of [new Uint8Array(h * w * c), new Uint8Array(h * w * c).fill(255),
          Uint8Array.from({ length: h * w * c }, (_, i) => ((Math.floor(i / c) % w) + Math.floor(i / c / w)) % 2 === 0 ? 0 : 255)]) {
          for (const q of [1, 50, 100]) same(data, h, w, c, q, 'extreme');
        }
      }
    });
  });
});
