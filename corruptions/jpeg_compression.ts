/**
 * jpeg_compression — encode as baseline JPEG at quality c with 4:2:0 chroma subsampling and decode again.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `jpeg_compression`: Pillow `x.save(buf, 'JPEG', quality=c)` and
 * `Image.open`, i.e. libjpeg(-turbo) with the standard (Annex K) quantisation tables scaled by
 * jpeg_set_quality(c), 4:2:0, baseline, integer (islow) DCT, decoded with fancy upsampling.
 * Implementation: src/corruptions/jpeg-codec.ts, a pure TypeScript port of the lossy arithmetic of that round
 * trip (colour conversion, edge padding, downsampling, DCT, quantisation, IDCT, upsampling); the entropy coding
 * in between is lossless and skipped. It runs in WebAssembly SIMD (wasm/src/jpeg.ts: the same integer arithmetic,
 * bytes in and out in one call, tested equal to the TypeScript byte for byte), the TypeScript where the kernels are
 * off (TOPK_HARNESS_WASM_KERNELS=0). Deterministic.
 * Deviations: none. Tested byte for byte against sharp's real encode + decode (libvips with its mozjpeg, extras
 * off), which this module called before, on noise and smooth images from 1x1 to 224x224, odd sizes included,
 * RGB and gray, at 13 qualities from 1 to 100 (all 100 on two images), and against Pillow (libjpeg-turbo) where
 * python3 has it; the output is the same bytes as before, so the version stays 1.
 * Grayscale: a one-channel JPEG (luma only). imagecorruptions converts gray to RGB, encodes and converts back with
 * Pillow's 'L'; for R = G = B libjpeg's Y equals the gray value and the chroma planes are constant 128, so the
 * luma plane is quantised identically and the result is the same.
 * Speed: no per-call library overhead (sharp cost about 1 ms per image whatever its size); at 224 px the blocks
 * (four per i32x4) take about 55 % of the kernel's ~205 us, the colour stages the rest. See docs/corruptions.md.
 */
import { defineCorruption } from '../src/corruptions/define.js';
import { jpegLossyRoundTrip } from '../src/corruptions/jpeg-codec.js';

export default defineCorruption<number>({
  name: 'jpeg_compression',
  version: 1,
  family: 'digital',
  description: 'JPEG round trip at quality c (4:2:0, standard tables)',
  severities: {
    cifar: [80, 65, 58, 50, 40],
    imagenet: [25, 18, 15, 10, 7],
  },
  apply(image, { params: quality, output }) {
    return { ...image, data: jpegLossyRoundTrip(image.data, image.height, image.width, image.channels, quality, output) };
  },
});
