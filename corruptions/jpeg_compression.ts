/**
 * jpeg_compression — encode as baseline JPEG at quality c with 4:2:0 chroma subsampling and decode again.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `jpeg_compression`: Pillow `x.save(buf, 'JPEG', quality=c)`,
 * i.e. libjpeg with the standard (Annex K) quantisation tables scaled by jpeg_set_quality(c), 4:2:0, baseline,
 * integer DCT, decoded with fancy upsampling. sharp/libvips does the same when mozjpeg's extras are switched off
 * (mozjpeg: false, no trellis quantisation, quantisation table 0, no overshoot deringing, not progressive), so
 * the round trip goes through sharp. Deterministic. Deviations: none expected (same libjpeg arithmetic; checked here
 * against hand-computed quantiser tables and flat-block values, not against Pillow output).
 * Grayscale: encoded as a one-channel JPEG. imagecorruptions converts gray to RGB, encodes and converts back with
 * Pillow's 'L'; for R = G = B libjpeg's Y equals the gray value and the chroma planes are constant 128, so the
 * luma plane is quantised identically and the result is the same.
 * Speed: a sharp round trip costs about 1 ms whatever the image size. Gray images are therefore batched: requests
 * made in the same tick (corruptDataset keeps many in flight) are tiled into one mosaic whose cells are the images
 * padded to multiples of 8 by repeating the last column and row — exactly the padding libjpeg applies to a lone
 * image — so every 8x8 block, its quantisation and its inverse DCT are what a lone image gets; a gray JPEG has no
 * chroma upsampling that could reach across cells. The result is bit-identical to one round trip per image
 * (tested). RGB is not batched: 4:2:0 decoding interpolates chroma across block borders.
 */
import sharp from 'sharp';
import { defineCorruption } from '../src/corruptions/define.js';

/** Baseline JPEG bytes at `quality` (1..100), 4:2:0, standard tables: what Pillow's save(..., quality) writes. */
export async function encodeJpeg(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): Promise<Buffer> {
  let pipeline = sharp(data, { raw: { width, height, channels } });
  if (channels === 1) pipeline = pipeline.toColourspace('b-w'); // else sharp writes a 3-component JPEG
  return pipeline.jpeg({
    quality,
    chromaSubsampling: '4:2:0',
    mozjpeg: false,
    trellisQuantisation: false,
    overshootDeringing: false,
    optimiseScans: false,
    optimiseCoding: false,
    quantisationTable: 0,
    progressive: false,
  }).toBuffer();
}

/** JPEG round trip through sharp at `quality` (1..100), 4:2:0, libjpeg-compatible settings. */
export async function jpegRoundTrip(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): Promise<Uint8Array> {
  const jpeg = await encodeJpeg(data, height, width, channels, quality);
  let decoder = sharp(jpeg);
  if (channels === 1) decoder = decoder.toColourspace('b-w'); // sharp would expand gray to sRGB on output
  const { data: out, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== channels) {
    throw new Error(`jpeg round trip returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

interface GrayRequest {
  data: Uint8Array;
  resolve: (out: Uint8Array) => void;
  reject: (err: unknown) => void;
}

/** Most images in one mosaic. */
const MAX_BATCH = 1024;
const pending = new Map<string, GrayRequest[]>();

/**
 * jpegRoundTrip for one gray image, batched with the other gray requests of the same size and quality made in
 * the same tick (see the module comment). Same bytes as jpegRoundTrip(data, height, width, 1, quality).
 */
export function grayJpegRoundTrip(data: Uint8Array, height: number, width: number, quality: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const key = `${quality}|${height}|${width}`;
    let queue = pending.get(key);
    if (queue === undefined) {
      queue = [];
      pending.set(key, queue);
      setImmediate(() => {
        pending.delete(key);
        for (let i = 0; i < queue!.length; i += MAX_BATCH) {
          void flushGray(queue!.slice(i, i + MAX_BATCH), height, width, quality);
        }
      });
    }
    queue.push({ data, resolve, reject });
  });
}

async function flushGray(batch: GrayRequest[], h: number, w: number, quality: number): Promise<void> {
  try {
    if (batch.length === 1) {
      batch[0].resolve(await jpegRoundTrip(batch[0].data, h, w, 1, quality));
      return;
    }
    const ch = Math.ceil(h / 8) * 8;
    const cw = Math.ceil(w / 8) * 8;
    const cols = Math.ceil(Math.sqrt(batch.length));
    const rows = Math.ceil(batch.length / cols);
    const W = cols * cw;
    const mosaic = new Uint8Array(rows * ch * W);
    batch.forEach((r, k) => {
      const ox = (k % cols) * cw;
      const oy = Math.floor(k / cols) * ch;
      for (let y = 0; y < ch; y++) {
        const sy = Math.min(y, h - 1) * w;
        const d = (oy + y) * W + ox;
        mosaic.set(r.data.subarray(sy, sy + w), d);
        mosaic.fill(r.data[sy + w - 1], d + w, d + cw); // libjpeg's right-edge padding
      }
    });
    const out = await jpegRoundTrip(mosaic, rows * ch, W, 1, quality);
    batch.forEach((r, k) => {
      const ox = (k % cols) * cw;
      const oy = Math.floor(k / cols) * ch;
      const img = new Uint8Array(h * w);
      for (let y = 0; y < h; y++) img.set(out.subarray((oy + y) * W + ox, (oy + y) * W + ox + w), y * w);
      r.resolve(img);
    });
  } catch (err) {
    for (const r of batch) r.reject(err);
  }
}

export default defineCorruption<number>({
  name: 'jpeg_compression',
  version: 1,
  family: 'digital',
  description: 'JPEG round trip at quality c (4:2:0, standard tables)',
  severities: {
    cifar: [80, 65, 58, 50, 40],
    imagenet: [25, 18, 15, 10, 7],
  },
  async apply(image, { params: quality }) {
    const data = image.channels === 1
      ? await grayJpegRoundTrip(image.data, image.height, image.width, quality)
      : await jpegRoundTrip(image.data, image.height, image.width, image.channels, quality);
    return { ...image, data };
  },
});
