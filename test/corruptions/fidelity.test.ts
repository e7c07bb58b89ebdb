/**
 * Fidelity to the reference for the deterministic corruptions: severity tables as REFERENCE.md §2.3/§2.4 print
 * them, and pixel values worked out by hand from the reference formulas (never from running this code).
 */
import { expect } from 'chai';
import { corruptImage } from '../../src/corruptions/apply.js';
import { hsvToRgb, rgbToHsv, type Triple } from '../../src/corruptions/color.js';
import type { Corruption, Severity, SeverityTable } from '../../src/corruptions/define.js';
import { borderIndex, gaussianKernel1d, pilBoxResize } from '../../src/corruptions/filters.js';
import { roundHalfEven, unitToByte, type Image } from '../../src/corruptions/image.js';
import { pixelateSide } from '../../corruptions/pixelate.js';
import { zoomFactors, type ZoomBlurParams } from '../../corruptions/zoom_blur.js';
import { uniformImage } from './fixtures.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';
import { encodeJpeg } from '../support/sharp-jpeg.js';

const BUILTINS = BUILTIN_CORRUPTIONS;
const byName = (n: string): Corruption => BUILTINS.find((c) => c.name === n)!;

async function run(name: string, image: Image, severity: Severity, table: SeverityTable): Promise<Image> {
  return corruptImage(image, byName(name), severity, { seed: 0, table });
}

function pixel(im: Image, i = 0): number[] {
  return [...im.data.subarray(i * im.channels, (i + 1) * im.channels)];
}

describe('severity tables are REFERENCE.md §2.3 (ImageNet-C) and §2.4 (CIFAR-10-C)', () => {
  const single: Record<string, [number[], number[]]> = {
    gaussian_noise: [[0.04, 0.06, 0.08, 0.09, 0.10], [0.08, 0.12, 0.18, 0.26, 0.38]],
    shot_noise: [[500, 250, 100, 75, 50], [60, 25, 12, 5, 3]],
    impulse_noise: [[0.01, 0.02, 0.03, 0.05, 0.07], [0.03, 0.06, 0.09, 0.17, 0.27]],
    speckle_noise: [[0.06, 0.10, 0.12, 0.16, 0.20], [0.15, 0.20, 0.35, 0.45, 0.60]],
    gaussian_blur: [[0.4, 0.6, 0.7, 0.8, 1.0], [1, 2, 3, 4, 6]],
    brightness: [[0.05, 0.10, 0.15, 0.20, 0.30], [0.1, 0.2, 0.3, 0.4, 0.5]],
    contrast: [[0.75, 0.50, 0.40, 0.30, 0.15], [0.4, 0.3, 0.2, 0.1, 0.05]],
    pixelate: [[0.95, 0.90, 0.85, 0.75, 0.65], [0.6, 0.5, 0.4, 0.3, 0.25]],
    jpeg_compression: [[80, 65, 58, 50, 40], [25, 18, 15, 10, 7]],
  };
  for (const [name, [cifar, imagenet]] of Object.entries(single)) {
    it(name, () => {
      expect(byName(name).severities.cifar).to.deep.equal(cifar);
      expect(byName(name).severities.imagenet).to.deep.equal(imagenet);
    });
  }
  const tuples: Record<string, [string[], number[][], number[][]]> = {
    glass_blur: [['sigma', 'maxDelta', 'iterations'],
      [[0.05, 1, 1], [0.25, 1, 1], [0.4, 1, 1], [0.25, 1, 2], [0.4, 1, 2]],
      [[0.7, 1, 2], [0.9, 2, 1], [1, 2, 3], [1.1, 3, 2], [1.5, 4, 2]]],
    defocus_blur: [['radius', 'aliasBlur'],
      [[0.3, 0.4], [0.4, 0.5], [0.5, 0.6], [1, 0.2], [1.5, 0.1]],
      [[3, 0.1], [4, 0.5], [6, 0.5], [8, 0.5], [10, 0.5]]],
    motion_blur: [['radius', 'sigma'],
      [[6, 1], [6, 1.5], [6, 2], [8, 2], [9, 2.5]],
      [[10, 3], [15, 5], [15, 8], [15, 12], [20, 15]]],
    zoom_blur: [['stop', 'step'],
      [[1.06, 0.01], [1.11, 0.01], [1.16, 0.01], [1.21, 0.01], [1.26, 0.01]],
      [[1.11, 0.01], [1.16, 0.01], [1.21, 0.02], [1.26, 0.02], [1.31, 0.03]]],
    snow: [['loc', 'scale', 'zoom', 'threshold', 'blurRadius', 'blurSigma', 'blend'],
      [[0.1, 0.2, 1, 0.6, 8, 3, 0.95], [0.1, 0.2, 1, 0.5, 10, 4, 0.9], [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
        [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85], [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8]],
      [[0.1, 0.3, 3, 0.5, 10, 4, 0.8], [0.2, 0.3, 2, 0.5, 12, 4, 0.7], [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
        [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65], [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55]]],
    frost: [['image', 'frost'],
      [[1, 0.2], [1, 0.3], [0.9, 0.4], [0.85, 0.4], [0.75, 0.45]],
      [[1, 0.4], [0.8, 0.6], [0.7, 0.7], [0.65, 0.7], [0.6, 0.75]]],
    fog: [['scale', 'decay'],
      [[0.2, 3], [0.5, 3], [0.75, 2.5], [1, 2], [1.5, 1.75]],
      [[1.5, 2], [2, 2], [2.5, 1.7], [2.5, 1.5], [3, 1.4]]],
    elastic_transform: [['alpha', 'sigma', 'affine'],
      [[0, 0, 2.56], [1.6, 6.4, 2.24], [2.56, 1.92, 1.92], [3.2, 1.28, 1.6], [3.2, 0.96, 0.96]],
      [[488, 170.8, 24.4], [488, 19.52, 48.8], [12.2, 2.44, 4.88], [17.08, 2.44, 4.88], [29.28, 2.44, 4.88]]],
    spatter: [['loc', 'scale', 'sigma', 'threshold', 'intensity', 'mode'],
      [[0.62, 0.1, 0.7, 0.7, 0.5, 0], [0.65, 0.1, 0.8, 0.7, 0.5, 0], [0.65, 0.3, 1, 0.69, 0.5, 0],
        [0.65, 0.1, 0.7, 0.69, 0.6, 1], [0.65, 0.1, 0.5, 0.68, 0.6, 1]],
      [[0.65, 0.3, 4, 0.69, 0.6, 0], [0.65, 0.3, 3, 0.68, 0.6, 0], [0.65, 0.3, 2, 0.68, 0.5, 0],
        [0.65, 0.3, 1, 0.65, 1.5, 1], [0.67, 0.4, 1, 0.65, 1.5, 1]]],
    saturate: [['scale', 'shift'],
      [[0.3, 0], [0.1, 0], [1.5, 0], [2, 0.1], [2.5, 0.2]],
      [[0.3, 0], [0.1, 0], [2, 0], [5, 0.1], [20, 0.2]]],
  };
  for (const [name, [fields, cifar, imagenet]] of Object.entries(tuples)) {
    it(name, () => {
      const asTuples = (list: readonly unknown[]): number[][] =>
        list.map((p) => fields.map((f) => (p as Record<string, number>)[f]));
      expect(asTuples(byName(name).severities.cifar)).to.deep.equal(cifar);
      expect(asTuples(byName(name).severities.imagenet)).to.deep.equal(imagenet);
    });
  }
});

describe('zoom_blur: numpy arange lengths (REFERENCE.md §2.3, §2.4)', () => {
  it('ImageNet counts 12, 16, 11, 13, 11; CIFAR 7, 12, 16, 21, 26', () => {
    const count = (t: SeverityTable) => (byName('zoom_blur').severities[t] as readonly ZoomBlurParams[]).map((p) => zoomFactors(p).length);
    expect(count('imagenet')).to.deep.equal([12, 16, 11, 13, 11]);
    expect(count('cifar')).to.deep.equal([7, 12, 16, 21, 26]);
  });
  it('factors start at 1, step as given, and the last of arange(1, 1.11, 0.01) is 1.11 up to rounding', () => {
    const f = zoomFactors({ stop: 1.11, step: 0.01 });
    expect(f[0]).to.equal(1);
    expect(f[1]).to.equal(1.01);
    expect(f[11]).to.be.closeTo(1.11, 1e-12);
    expect(zoomFactors({ stop: 1.31, step: 0.03 })[10]).to.be.closeTo(1.3, 1e-12);
  });
});

describe('brightness: HSV value + c (hand calculation)', () => {
  // RGB (200, 100, 50): V = 200/255, S = 150/200 = 0.75, red is max, H = ((100 − 50)/150)/6 = 1/18, sector 0
  // with f = 1/3. V' = V + c; output (V', t, p) with t = V'(1 − (2/3)·0.75) = V'/2, p = V'(1 − 0.75) = V'/4.
  it('ImageNet severity 1 (c = 0.1): V′·255 = 225.5 → (225, 112.75, 56.375) → (225, 112, 56)', async () => {
    const out = await run('brightness', uniformImage(4, 4, [200, 100, 50]), 1, 'imagenet');
    expect(new Set(out.data.filter((_, i) => i % 3 === 0))).to.deep.equal(new Set([225]));
    expect(pixel(out, 5)).to.deep.equal([225, 112, 56]);
  });
  it('CIFAR severity 5 (c = 0.3): V clips at 1 → (255, 127.5, 63.75) → (255, 127, 63)', async () => {
    expect(pixel(await run('brightness', uniformImage(4, 4, [200, 100, 50]), 5, 'cifar'))).to.deep.equal([255, 127, 63]);
  });
  it('blue maximum (51, 102, 204), c = 0.1: H = 11/18, V′ = 0.9, sector 3 → (57.375, 114.75, 229.5) → (57, 114, 229)', async () => {
    expect(pixel(await run('brightness', uniformImage(2, 2, [51, 102, 204]), 1, 'imagenet'))).to.deep.equal([57, 114, 229]);
  });
  it('grayscale: g/255 + c (100 + 25.5 → 125; 240 + 127.5 → 255)', async () => {
    expect(pixel(await run('brightness', uniformImage(3, 3, [100]), 1, 'imagenet'))).to.deep.equal([125]);
    expect(pixel(await run('brightness', uniformImage(3, 3, [240]), 5, 'imagenet'))).to.deep.equal([255]);
  });
});

describe('saturate: HSV saturation × c0 + c1 (hand calculation)', () => {
  // RGB (203, 150, 90): V = 203/255, delta = 113/255, S = 113/203, red is max, f = (150 − 90)/113 = 60/113.
  // Without clipping S' = k·S and, on the 0..255 scale, t = 203 − k·(113 − 60) = 203 − 53k, p = 203 − 113k.
  it('CIFAR severity 3 (× 1.5): t = 123.5, p = 33.5 → (203, 123, 33)', async () => {
    expect(pixel(await run('saturate', uniformImage(2, 2, [203, 150, 90]), 3, 'cifar'))).to.deep.equal([203, 123, 33]);
  });
  it('ImageNet severity 1 (× 0.3): t = 187.1, p = 169.1 → (203, 187, 169)', async () => {
    expect(pixel(await run('saturate', uniformImage(2, 2, [203, 150, 90]), 1, 'imagenet'))).to.deep.equal([203, 187, 169]);
  });
  it('ImageNet severity 4 (× 5 + 0.1 clips to 1): t = 203·60/113 = 107.8, p = 0 → (203, 107, 0)', async () => {
    expect(pixel(await run('saturate', uniformImage(2, 2, [203, 150, 90]), 4, 'imagenet'))).to.deep.equal([203, 107, 0]);
  });
  it('grayscale: S = 0 → S′ = c1; luma of (V, V(1−c1), V(1−c1)); 100 at c1 = 0.1 → 92.99 → 92; c1 = 0 unchanged', async () => {
    expect(pixel(await run('saturate', uniformImage(2, 2, [100]), 4, 'imagenet'))).to.deep.equal([92]);
    expect(pixel(await run('saturate', uniformImage(2, 2, [100]), 1, 'imagenet'))).to.deep.equal([100]);
  });
});

describe('contrast: (x − mean)·c + mean per channel (hand calculation)', () => {
  const halves = (c: 1 | 3, a: number[], b: number[]): Image => {
    const im = uniformImage(4, 4, a);
    for (let i = 8; i < 16; i++) im.data.set(b, i * c);
    return im;
  };
  it('gray half 0 / half 255, CIFAR severity 1 (0.75): 0.5 ∓ 0.375 → 31.875, 223.125 → 31, 223', async () => {
    const out = await run('contrast', halves(1, [0], [255]), 1, 'cifar');
    expect(pixel(out, 0)).to.deep.equal([31]);
    expect(pixel(out, 15)).to.deep.equal([223]);
  });
  it('gray half 0 / half 255, ImageNet severity 5 (0.05): 121.125, 133.875 → 121, 133', async () => {
    const out = await run('contrast', halves(1, [0], [255]), 5, 'imagenet');
    expect([pixel(out, 0)[0], pixel(out, 15)[0]]).to.deep.equal([121, 133]);
  });
  it('RGB halves (0, 100, 200) / (200, 100, 0): per-channel means 100; c = 0.75 → (25, 100, 175) / (175, 100, 25)', async () => {
    const out = await run('contrast', halves(3, [0, 100, 200], [200, 100, 0]), 1, 'cifar');
    expect(pixel(out, 0)).to.deep.equal([25, 100, 175]);
    expect(pixel(out, 15)).to.deep.equal([175, 100, 25]);
  });
  it('a uniform image is unchanged at every severity', async () => {
    for (const s of [1, 2, 3, 4, 5] as Severity[]) {
      expect(new Set((await run('contrast', uniformImage(5, 7, [37, 128, 201]), s, 'imagenet')).data)).to.deep.equal(new Set([37, 128, 201]));
    }
  });
  it('its per-(channel, byte) lookup table gives the formula\'s bytes value by value (sums in pixel order, one channel at a time)', async () => {
    let seed = 11;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24;
    for (const [h, w, c] of [[32, 32, 3], [224, 224, 3], [28, 28, 1], [17, 301, 3], [1, 1, 1], [3, 2, 3]] as const) {
      const image: Image = { height: h, width: w, channels: c, data: Uint8Array.from({ length: h * w * c }, next) };
      for (const table of ['cifar', 'imagenet'] as SeverityTable[]) {
        for (const s of [1, 2, 3, 4, 5] as Severity[]) {
          const k = byName('contrast').params(s, table) as number;
          const expected = new Uint8Array(image.data.length);
          for (let ch = 0; ch < c; ch++) {
            let sum = 0;
            for (let i = ch; i < image.data.length; i += c) sum += image.data[i] / 255;
            const mean = sum / (h * w);
            for (let i = ch; i < image.data.length; i += c) expected[i] = unitToByte((image.data[i] / 255 - mean) * k + mean);
          }
          const out = (await run('contrast', image, s, table)).data;
          const at = out.findIndex((v, i) => v !== expected[i]);
          expect(at, `${h}x${w}x${c} ${table} severity ${s}: first difference at ${at}`).to.equal(-1);
        }
      }
    }
  });
});

describe('gaussian_blur', () => {
  it('of a constant image is the same constant, for every gray level, severity and table', async () => {
    for (const table of ['cifar', 'imagenet'] as SeverityTable[]) {
      for (const s of [1, 2, 3, 4, 5] as Severity[]) {
        for (let v = 0; v < 256; v += 1) {
          const out = await run('gaussian_blur', uniformImage(12, 10, [v]), s, table);
          if (out.data.some((x) => x !== v)) expect.fail(`level ${v}, ${table} severity ${s}: got ${[...new Set(out.data)]}`);
        }
      }
    }
  });
  it('uses scipy\'s kernel: radius int(4σ + 0.5), weights exp(−x²/2σ²) normalised (σ = 1: radius 4, w₁/w₀ = e^−½)', () => {
    const k = gaussianKernel1d(1);
    expect(k.length).to.equal(9);
    expect(k[5] / k[4]).to.be.closeTo(Math.exp(-0.5), 1e-15);
    expect(gaussianKernel1d(0.4).length).to.equal(5); // int(1.6 + 0.5) = 2
    expect(gaussianKernel1d(170.8, 3).length).to.equal(2 * 512 + 1); // int(512.4 + 0.5) = 512
  });
});

describe('pixelate: Pillow BOX down and up', () => {
  it('sizes int(side·c): 32 px → 30, 28, 27, 24, 20 (CIFAR); 224 px → 134, 112, 89, 67, 56 (ImageNet)', () => {
    expect([0.95, 0.9, 0.85, 0.75, 0.65].map((c) => pixelateSide(32, c))).to.deep.equal([30, 28, 27, 24, 20]);
    expect([0.6, 0.5, 0.4, 0.3, 0.25].map((c) => pixelateSide(224, c))).to.deep.equal([134, 112, 89, 67, 56]);
  });
  it('halving a 0/255 checkerboard: each pass averages two pixels in fixed point, 127.5 rounds up → 128 everywhere', () => {
    const data = new Uint8Array(16).map((_, i) => (((i >> 2) + (i & 3)) % 2 === 0 ? 0 : 255));
    expect([...pilBoxResize(data, 4, 4, 1, 2, 2)]).to.deep.equal([128, 128, 128, 128]);
  });
  it('ImageNet severity 2 (c = 0.5) on 28x28 vertical 0/255 stripes: 14 px of 128, enlarged back → all 128', async () => {
    const im = uniformImage(28, 28, [0]);
    for (let i = 0; i < 28 * 28; i++) im.data[i] = i % 2 === 0 ? 0 : 255;
    expect(new Set((await run('pixelate', im, 2, 'imagenet')).data)).to.deep.equal(new Set([128]));
  });
  it('BOX enlargement picks the pixel under each output centre: [10, 20, 30] to 6 px → 10 10 20 20 30 30', () => {
    expect([...pilBoxResize(Uint8Array.from([10, 20, 30]), 1, 3, 1, 1, 6)]).to.deep.equal([10, 10, 20, 20, 30, 30]);
  });
});

describe('jpeg_compression: quality values and libjpeg quantisation', () => {
  /** Luminance DC quantiser of a baseline JPEG (first DQT entry of table 0). */
  function lumaDcQuant(jpeg: Buffer): number {
    let i = 2;
    while (i < jpeg.length && jpeg[i] === 0xff) {
      const marker = jpeg[i + 1];
      const len = jpeg.readUInt16BE(i + 2);
      if (marker === 0xdb && (jpeg[i + 4] & 0x0f) === 0) return jpeg[i + 5];
      i += 2 + len;
    }
    throw new Error('no DQT');
  }
  // libjpeg jpeg_set_quality(q, force_baseline): scale = q < 50 ? 5000/q : 200 − 2q (integer);
  // entry = clamp((base·scale + 50) / 100, 1, 255) with base 16 for the luminance DC term.
  const expected: [number, number][] = [[80, 6], [65, 11], [58, 13], [50, 16], [40, 20], [25, 32], [18, 44], [15, 53], [10, 80], [7, 114]];
  for (const [q, dc] of expected) {
    it(`quality ${q} → luminance DC quantiser ${dc}, 4:2:0, baseline`, async () => {
      const jpeg = await encodeJpeg(uniformImage(16, 16, [90, 120, 200]).data, 16, 16, 3, q);
      expect(lumaDcQuant(jpeg)).to.equal(dc);
      const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
      expect(sof, 'baseline SOF0 marker').to.be.greaterThan(0);
      expect([jpeg[sof + 9], jpeg[sof + 11], jpeg[sof + 14], jpeg[sof + 17]], 'components and sampling').to.deep.equal([3, 0x22, 0x11, 0x11]);
    });
  }
  // A flat 8x8 block of v: DC = 8(v − 128), level = round(8(v − 128)/Q), decoded v' = 128 + level·Q/8.
  it('flat gray 101 at quality 50 (Q = 16): level −14 (13.5 rounds away from 0) → 128 − 28 = 100', async () => {
    expect(new Set((await run('jpeg_compression', uniformImage(16, 16, [101]), 4, 'cifar')).data)).to.deep.equal(new Set([100]));
  });
  it('flat gray 101 at quality 10 (Q = 80): level −3 → 128 − 30 = 98', async () => {
    expect(new Set((await run('jpeg_compression', uniformImage(16, 16, [101]), 4, 'imagenet')).data)).to.deep.equal(new Set([98]));
  });
});

describe('shared helpers', () => {
  it('border modes on a row a b c d (indices 0..3)', () => {
    const map = (mode: 'nearest' | 'reflect' | 'reflect101') => [-2, -1, 4, 5].map((i) => borderIndex(i, 4, mode));
    expect(map('nearest')).to.deep.equal([0, 0, 3, 3]);
    expect(map('reflect')).to.deep.equal([1, 0, 3, 2]);
    expect(map('reflect101')).to.deep.equal([2, 1, 2, 1]);
  });
  it('roundHalfEven is Python round()', () => {
    expect([0.5, 1.5, 2.5, 28.5, 29.5, 2.4, 2.6].map(roundHalfEven)).to.deep.equal([0, 2, 2, 28, 30, 2, 3]);
  });
  it('HSV: skimage conventions, round trip, and ties (blue beats green beats red)', () => {
    const hsv: Triple = [0, 0, 0];
    const rgb: Triple = [0, 0, 0];
    expect(rgbToHsv(1, 0, 0, hsv)).to.deep.equal([0, 1, 1]);
    rgbToHsv(0, 1, 1, hsv); // green and blue tie: blue's formula, H = (4 + (0 − 1)/1)/6 = 1/2
    expect(hsv[0]).to.equal(0.5);
    rgbToHsv(0.2, 0.4, 0.8, hsv);
    hsvToRgb(hsv[0], hsv[1], hsv[2], rgb);
    for (let i = 0; i < 3; i++) expect(rgb[i]).to.be.closeTo([0.2, 0.4, 0.8][i], 1e-12);
  });
});
