/**
 * JPEG through sharp (libvips + its bundled mozjpeg, with mozjpeg's extras off): the oracle the pure-TypeScript
 * round trip (src/corruptions/jpeg-codec.ts) is tested against byte for byte, and the source of real DQT tables.
 * jpeg_compression itself used these until the port; they live here because only tests need them now.
 */
import sharp from 'sharp';

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
export async function sharpJpegRoundTrip(data: Uint8Array, height: number, width: number, channels: 1 | 3, quality: number): Promise<Uint8Array> {
  const jpeg = await encodeJpeg(data, height, width, channels, quality);
  let decoder = sharp(jpeg);
  if (channels === 1) decoder = decoder.toColourspace('b-w'); // sharp would expand gray to sRGB on output
  const { data: out, info } = await decoder.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height || info.channels !== channels) {
    throw new Error(`jpeg round trip returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
