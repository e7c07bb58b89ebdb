/**
 * The WebAssembly kernels of defocus_blur, motion_blur and snow (wasm/src/correlate.ts, disk.ts, snow.ts) against
 * their JavaScript twins: the doubles bit for bit (each kernel hands back its values before the conversion to
 * bytes) and the bytes byte for byte, on random bytes, constant black and white, and the scenes of fixtures.ts; at
 * small odd, 32 px, 224 px and non-square sizes, one and three channels, every severity of both tables, each border
 * mode the corruptions use (defocus_blur reflect101, motion_blur and snow nearest). Then each corruption end to end
 * with the kernels on and off (TOPK_HARNESS_WASM_KERNELS).
 */
import { expect } from 'chai';
import defocusBlur, { defocusKernel, defocusSplit, type DefocusParams } from '../../corruptions/defocus_blur.js';
import motionBlurCorruption, { type MotionBlurParams } from '../../corruptions/motion_blur.js';
import snow, { snowBytes, snowValues, type SnowParams } from '../../corruptions/snow.js';
import { corruptImage } from '../../src/corruptions/apply.js';
import type { Corruption, Severity, SeverityTable } from '../../src/corruptions/define.js';
import { correlateDisk, correlateDiskBytes } from '../../src/corruptions/disk.js';
import { correlate2d, correlate2dBytes, kernelTaps, motionBlurTaps, type Taps } from '../../src/corruptions/filters.js';
import { imageFromUnit, roundToByte, toFloat255, toUnit, type Image } from '../../src/corruptions/image.js';
import { pixelStream } from '../../src/corruptions/random.js';
import { rngFor } from '../../src/rng.js';
import { withEnv } from '../support/env.js';
import { sceneImage } from './fixtures.js';

const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const TABLES: SeverityTable[] = ['cifar', 'imagenet'];

/** Shapes (height, width, channels): small odd, CIFAR, ImageNet, non-square both ways. */
const SHAPES: [number, number, 1 | 3][] = [[1, 1, 3], [2, 3, 1], [7, 9, 1], [5, 13, 3], [32, 32, 3], [32, 32, 1], [50, 61, 3], [61, 50, 1], [224, 224, 3]];

function randomImage(h: number, w: number, c: 1 | 3, seed: number): Image {
  let s = seed >>> 0;
  const data = new Uint8Array(h * w * c);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, height: h, width: w, channels: c };
}

/** Random bytes, black, white and (from 7 px) a scene, of one shape. */
function images(h: number, w: number, c: 1 | 3): [string, Image][] {
  const flat = (v: number): Image => ({ data: new Uint8Array(h * w * c).fill(v), height: h, width: w, channels: c });
  const out: [string, Image][] = [['random', randomImage(h, w, c, h * 7919 + w * 31 + c)], ['black', flat(0)], ['white', flat(255)]];
  if (h >= 7 && w >= 7) out.push(['scene', sceneImage(h, w, c)]);
  return out;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `index ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

function expectSame(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  const diff = firstDifference(a, b);
  expect(diff, `${what}: ${diff}`).to.equal(null);
}

const shapeName = ([h, w, c]: [number, number, number]): string => `${h}x${w}x${c}`;

describe('WebAssembly blur kernels equal their JavaScript twins', function () {
  this.timeout(120_000);

  it('are off with TOPK_HARNESS_WASM_KERNELS=0 (each returns null)', async () => {
    const image = randomImage(4, 5, 3, 1);
    const taps = kernelTaps([1], 1, 1);
    await withEnv('TOPK_HARNESS_WASM_KERNELS', '0', async () => {
      expect(correlate2dBytes(image.data, 4, 5, 3, taps, 'nearest', '255')).to.equal(null);
      expect(correlateDiskBytes(image.data, 4, 5, 3, defocusSplit(3, 0.1), 'reflect101')).to.equal(null);
      expect(snowBytes(image, pixelStream(rngFor(0)), snow.params(1, 'cifar') as SnowParams)).to.equal(null);
    });
  });

  describe('defocus_blur (reflect101): the disk split (correlateDisk) and the direct taps (correlate2d)', () => {
    for (const shape of SHAPES) {
      it(`${shapeName(shape)}, every severity of both tables`, () => {
        const [h, w, c] = shape;
        for (const [kind, image] of images(h, w, c)) {
          const unit = toUnit(image);
          for (const table of TABLES) {
            for (const s of SEVERITIES) {
              const { radius, aliasBlur } = defocusBlur.params(s, table) as DefocusParams;
              const what = `${kind} ${table} s${s}`;
              // both formulations at every radius (the corruption picks one per radius)
              const { size, kernel } = defocusKernel(radius, aliasBlur);
              const taps = kernelTaps(kernel, size, size);
              const tapDoubles = new Float64Array(h * w * c);
              const tapBytes = correlate2dBytes(image.data, h, w, c, taps, 'reflect101', 'unit', tapDoubles)!;
              const tapJs = correlate2d(unit, h, w, c, taps, 'reflect101');
              expectSame(tapDoubles, tapJs, `${what} taps, doubles`);
              expectSame(tapBytes, imageFromUnit(tapJs, image).data, `${what} taps, bytes`);
              const split = defocusSplit(radius, aliasBlur);
              const diskDoubles = new Float64Array(h * w * c);
              const diskBytes = correlateDiskBytes(image.data, h, w, c, split, 'reflect101', diskDoubles)!;
              const diskJs = correlateDisk(unit, h, w, c, split, 'reflect101');
              expectSame(diskDoubles, diskJs, `${what} split, doubles`);
              expectSame(diskBytes, imageFromUnit(diskJs, image).data, `${what} split, bytes`);
            }
          }
        }
      });
    }
  });

  describe('motion_blur (nearest): correlate2d of the ImageMagick kernel at random angles', () => {
    for (const shape of SHAPES) {
      it(`${shapeName(shape)}, every severity of both tables`, () => {
        const [h, w, c] = shape;
        const angles = pixelStream(rngFor(1, 'motion angles', shapeName(shape)));
        for (const [kind, image] of images(h, w, c)) {
          const values = toFloat255(image);
          for (const table of TABLES) {
            for (const s of SEVERITIES) {
              const { radius, sigma } = motionBlurCorruption.params(s, table) as MotionBlurParams;
              const angle = angles.uniformIn(-180, 180); // motion_blur's ±45° and snow's −135..−45°, and the rest
              const taps: Taps = motionBlurTaps(radius, sigma, angle);
              const doubles = new Float64Array(h * w * c);
              const bytes = correlate2dBytes(image.data, h, w, c, taps, 'nearest', '255', doubles)!;
              const js = correlate2d(values, h, w, c, taps, 'nearest');
              const what = `${kind} ${table} s${s} angle ${angle}`;
              expectSame(doubles, js, `${what}, doubles`);
              expectSame(bytes, Uint8Array.from(js, (v) => roundToByte(v)), `${what}, bytes`);
            }
          }
        }
      });
    }
  });

  describe('snow: snowBytes against snowValues on the same draws', () => {
    for (const shape of SHAPES) {
      it(`${shapeName(shape)}, every severity of both tables`, () => {
        const [h, w, c] = shape;
        for (const [kind, image] of images(h, w, c)) {
          for (const table of TABLES) {
            for (const s of SEVERITIES) {
              const q = snow.params(s, table) as SnowParams;
              const seed = [shapeName(shape), kind, table, s];
              const doubles = new Float64Array(h * w * c);
              const bytes = snowBytes(image, pixelStream(rngFor(2, ...seed)), q, doubles)!;
              const draws = pixelStream(rngFor(2, ...seed));
              const noise = draws.fillNormal(new Float64Array(h * w), q.loc, q.scale);
              const js = snowValues(image, noise, draws.uniformIn(-135, -45), q);
              const what = `${kind} ${table} s${s}`;
              expectSame(doubles, js, `${what}, doubles`);
              expectSame(bytes, imageFromUnit(js, image).data, `${what}, bytes`);
            }
          }
        }
      });
    }
  });

  describe('the corruptions end to end: the same bytes with the kernels on and off', () => {
    const run = (corruption: Corruption, image: Image, s: Severity, table: SeverityTable, on: '0' | '1'): Promise<Image> =>
      withEnv('TOPK_HARNESS_WASM_KERNELS', on, () => corruptImage(image, corruption, s, { seed: 3, table, index: s }));
    for (const corruption of [defocusBlur, motionBlurCorruption, snow] as Corruption[]) {
      it(`${corruption.name}: scenes and random bytes at 32 px (both tables), 224 px (ImageNet), gray and non-square`, async () => {
        const cases: [Image, SeverityTable[]][] = [
          [sceneImage(32, 32, 3), TABLES], [randomImage(32, 32, 3, 5), TABLES], [sceneImage(224, 224, 3), ['imagenet']],
          [sceneImage(28, 28, 1), ['cifar']], [randomImage(45, 38, 3, 6), TABLES],
        ];
        for (const [image, tables] of cases) {
          for (const table of tables) {
            for (const s of SEVERITIES) {
              const wasm = await run(corruption, image, s, table, '1');
              const js = await run(corruption, image, s, table, '0');
              expectSame(wasm.data, js.data, `${shapeName([image.height, image.width, image.channels])} ${table} s${s}`);
            }
          }
        }
      });
    }
  });
});
