/**
 * pixelate — shrink with Pillow's BOX filter to int(side·c) and enlarge back with BOX.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `pixelate`: `x.resize((int(W·c), int(H·c)), BOX)` then
 * `resize((W, H), BOX)` (the reference writes 32 or 224 for W and H; here the image's own sides). Ported bit for
 * bit from Pillow's Resample.c (pil-box.ts: fixed-point weights, horizontal then vertical pass, 8-bit intermediate).
 * Upscaling with BOX picks, for each output pixel, the input pixel under its centre, so it is nearest-neighbour in
 * practice. Both resizes run in one WebAssembly SIMD session (pilBoxRoundTrip: the small image stays in the kernels'
 * memory; about 5x the JavaScript at 224 and at 32 px), the JavaScript port where the kernels are off.
 * Deterministic. Deviations: none (integer arithmetic, as Pillow). (imagecorruptions upsamples with NEAREST; sharp's
 * resize kernels are not Pillow's BOX, hence the port.)
 * Sizes: CIFAR table on 32 px gives 30, 28, 27, 24, 20; on 28 px 26, 25, 23, 21, 18; ImageNet on 224 px gives
 * 134, 112, 89, 67, 56. A side never shrinks below 1 px.
 * Grayscale: the same on the one channel (Pillow mode 'L').
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { pilBoxRoundTrip } from '../src/corruptions/filters.js';

/** The side the image shrinks to: int(side·c), at least 1 (Python's int() of the float product). */
export function pixelateSide(side: number, c: number): number {
  return Math.max(1, Math.trunc(side * c));
}

export default defineCorruption<number>({
  name: 'pixelate',
  version: 1,
  family: 'digital',
  description: 'BOX downsample to int(side·c) px and BOX upsample back; c = scale',
  severities: {
    cifar: [0.95, 0.9, 0.85, 0.75, 0.65],
    imagenet: [0.6, 0.5, 0.4, 0.3, 0.25],
  },
  apply(image, { params: c, output }) {
    const { height: h, width: w, channels: ch } = image;
    const sw = pixelateSide(w, c);
    const sh = pixelateSide(h, c);
    return { ...image, data: pilBoxRoundTrip(image.data, h, w, ch, sh, sw, output) }; // into the output slot when given
  },
});
