/**
 * The image type corruptions work on, and the conversions every built-in shares.
 *
 * An Image is one uint8 picture, HWC, row-major: value (y, x, c) is data[(y * width + x) * channels + c].
 * Corruptions compute in floats on the reference's scale (0..1 unless a module says 0..255) and convert back the
 * way the reference does: clip, scale by 255, then TRUNCATE (numpy's `np.uint8(float)`, which both
 * make_imagenet_c.py and make_cifar_c.py apply to every result). Rounding instead would shift about half the
 * pixels by one level against the published datasets.
 *
 * Float noise: a result that is mathematically an integer k often comes out as k − 1e-14 (e.g. a blur of a
 * constant image, whose weights sum to 1 − 1 ulp), and raw truncation would drop it to k − 1. The reference
 * suffers the same in a pattern that depends on numpy's summation order (its Gaussian blur turns 56 of the 256
 * constant images one level darker). `unitToByte` and `clipToByte` add FLOAT_NOISE (1e-7 on the 0..255 scale,
 * far above double-precision noise and far below anything a corruption means) before truncating, so exact
 * results stay exact; the float32 path of zoom_blur keeps the reference's raw truncation, which it reproduces
 * bit for bit.
 *
 * NaN: a pixel computed as NaN (0/0, log of 0, sqrt of a negative) has no byte value; numpy's cast leaves it
 * undefined and a Uint8Array store silently makes it 0, so the byte helpers refuse it (NaNPixelError) instead of
 * hiding the bug. Values past either end are clipped, as the reference does; ±Infinity clip like any other value.
 */
import type { Dataset } from '../data/dataset.js';
import { describeValue } from '../util/describe-value.js';

/** One uint8 image, HWC. */
export interface Image {
  /** uint8 pixels, length height * width * channels. */
  data: Uint8Array;
  height: number;
  width: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
}

/** Shape of an image without its pixels. */
export type ImageShape = Pick<Image, 'height' | 'width' | 'channels'>;

/** Problems with an image's shape or buffer, or null when it is well formed. */
export function imageProblem(image: unknown): string | null {
  if (typeof image !== 'object' || image === null) return `expected an image object, got ${describeValue(image)}`;
  const im = image as Partial<Image>;
  if (!(im.data instanceof Uint8Array)) return `image.data must be a Uint8Array, got ${describeValue(im.data)}`;
  for (const k of ['height', 'width'] as const) {
    const v = im[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return `image.${k} must be a positive integer, got ${describeValue(v)}`;
  }
  if (im.channels !== 1 && im.channels !== 3) return `image.channels must be 1 or 3, got ${describeValue(im.channels)}`;
  const expected = im.height! * im.width! * im.channels;
  if (im.data.length !== expected) {
    return `image.data has ${im.data.length} bytes, expected ${im.height}x${im.width}x${im.channels} = ${expected}`;
  }
  return null;
}

/** Throws a TypeError naming `what` when the image is malformed. */
export function assertImage(image: unknown, what = 'image'): asserts image is Image {
  const p = imageProblem(image);
  if (p !== null) throw new TypeError(`${what}: ${p}`);
}

/**
 * A kernel's result bytes, still in the kernels' memory, handed out: copied into `into` when given (a corruption's
 * ctx.output, its slot in the output dataset), else into a fresh array.
 */
export function copyOut(result: Uint8Array, into?: Uint8Array): Uint8Array {
  if (into === undefined) return result.slice();
  into.set(result);
  return into;
}

/** A result array of the caller's own, handed out: itself, or copied into `into` when given (see copyOut). */
export function placeInto(result: Uint8Array, into?: Uint8Array): Uint8Array {
  if (into === undefined) return result;
  into.set(result);
  return into;
}

/** A dataset of one image (label 0; its pixels are shared, not copied): one image through corruptDataset's path. */
export function imageDataset(image: Image, name: string): Dataset {
  return { name, count: 1, height: image.height, width: image.width, channels: image.channels, images: image.data, labels: new Uint8Array(1), classNames: [name] };
}

/** Image i of a dataset, as a view on the dataset's buffer (no copy). */
export function datasetImage(d: Dataset, index: number): Image {
  const size = d.height * d.width * d.channels;
  if (!Number.isInteger(index) || index < 0 || index >= d.count) {
    throw new RangeError(`image index ${index} outside [0, ${d.count}) of dataset ${d.name}`);
  }
  if (d.channels !== 1 && d.channels !== 3) throw new TypeError(`dataset ${d.name}: channels must be 1 or 3, got ${d.channels}`);
  return { data: d.images.subarray(index * size, (index + 1) * size), height: d.height, width: d.width, channels: d.channels };
}

/** v / 255 for every byte v: the same doubles as dividing, without a division per value. */
export const UNIT = Float64Array.from({ length: 256 }, (_, v) => v / 255);

/** A copy of the image's pixels scaled to 0..1 (the reference's `np.array(x) / 255.`). */
export function toUnit(image: Image): Float64Array {
  const src = image.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = UNIT[src[i]];
  return out;
}

/** A copy of the image's pixels as floats on the 0..255 scale. */
export function toFloat255(image: Image): Float64Array {
  return Float64Array.from(image.data);
}

/** Added before truncating to absorb double-precision noise (see the module comment); 0..255 scale. */
export const FLOAT_NOISE = 1e-7;

/** A byte helper was handed NaN (see the module comment). A RangeError; `index` is the value's index when known. */
export class NaNPixelError extends RangeError {
  readonly index?: number;
  constructor(helper: string, index?: number) {
    const at = index !== undefined ? ` at index ${index}` : '';
    super(`${helper}: pixel value${at} is NaN, which has no byte value; look for 0/0, log(0) or sqrt of a negative in the corruption`);
    this.name = 'NaNPixelError';
    this.index = index;
  }
}

/**
 * The reference's `np.uint8(np.clip(v, 0, 1) * 255)`: clip to [0, 1], scale, truncate (+FLOAT_NOISE).
 * Throws NaNPixelError for NaN (`index`, when given, is named in the message).
 */
export function unitToByte(v: number, index?: number): number {
  if (!(v > 0)) {
    if (v !== v) throw new NaNPixelError('unitToByte', index);
    return 0;
  }
  if (v >= 1) return 255;
  return (v * 255 + FLOAT_NOISE) | 0;
}

/** The reference's `np.uint8(np.clip(v, 0, 255))`: clip to [0, 255], truncate (+FLOAT_NOISE). Throws NaNPixelError for NaN. */
export function clipToByte(v: number, index?: number): number {
  if (!(v > 0)) {
    if (v !== v) throw new NaNPixelError('clipToByte', index);
    return 0;
  }
  if (v >= 255) return 255;
  return (v + FLOAT_NOISE) | 0;
}

/** Round half up and clip to 0..255: how an 8-bit encoder (ImageMagick writing PNG) stores a value. Throws NaNPixelError for NaN. */
export function roundToByte(v: number, index?: number): number {
  if (!(v > 0)) {
    if (v !== v) throw new NaNPixelError('roundToByte', index);
    return 0;
  }
  if (v >= 254.5) return 255;
  return (v + 0.5) | 0;
}

/** An image of the given shape from values on the 0..1 scale (clip, ×255, truncate). Throws NaNPixelError for NaN. */
export function imageFromUnit(values: ArrayLike<number>, shape: ImageShape): Image {
  const out = new Uint8Array(values.length);
  if (values instanceof Float64Array) unitToBytes(values, out);
  else for (let i = 0; i < values.length; i++) out[i] = unitToByte(values[i], i);
  return { data: out, height: shape.height, width: shape.width, channels: shape.channels };
}

/** unitToByte over a Float64Array, written out for the common case (one monomorphic loop, NaN still refused). */
function unitToBytes(values: Float64Array, out: Uint8Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 0) out[i] = v >= 1 ? 255 : (v * 255 + FLOAT_NOISE) | 0;
    else if (v !== v) throw new NaNPixelError('unitToByte', i);
  }
}

/** An image of the given shape from values on the 0..255 scale (clip, truncate). Throws NaNPixelError for NaN. */
export function imageFrom255(values: ArrayLike<number>, shape: ImageShape): Image {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = clipToByte(values[i], i);
  return { data: out, height: shape.height, width: shape.width, channels: shape.channels };
}

/** ITU-R 601 luma weights (cv2 COLOR_RGB2GRAY, PIL 'L'): how grayscale images see a colour. */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** Luma of an RGB triple, same scale as the input. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** Python's round(): half to even. Used where the reference sizes arrays with round() (scipy zoom). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
