/**
 * One image file in and out, for `corrupt --image` and the files `corrupt` writes: decoded and encoded with sharp.
 * (Folders of images for training and testing are src/data/image-folder.ts, which also resizes.)
 */
import * as fs from 'node:fs';
import sharp from 'sharp';
import { HarnessInputError } from '../errors.js';
import type { Image } from './image.js';

/**
 * Decode an image file with sharp into an Image: EXIF orientation applied, alpha dropped, gray sources (1 channel,
 * or gray + alpha) kept as 1 channel, everything else converted to 3-channel sRGB, 8 bits per channel.
 * Throws HarnessInputError naming the file (and sharp's reason) when it is missing or not a decodable image.
 */
export async function readImageFile(file: string): Promise<Image> {
  if (!fs.existsSync(file)) throw new HarnessInputError(`--image ${file}: file not found`, '--image');
  if (fs.statSync(file).isDirectory()) throw new HarnessInputError(`--image ${file}: is a directory, not an image file`, '--image');
  try {
    const meta = await sharp(file).metadata();
    const gray = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0) === 1;
    const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace(gray ? 'b-w' : 'srgb').raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), height: info.height, width: info.width, channels: info.channels };
  } catch (err) {
    throw new HarnessInputError(`--image ${file}: cannot decode as an image: ${(err as Error).message}`, '--image');
  }
}

/** PNG bytes of an image (a one-channel image stays a one-channel gray PNG), or JPEG (quality 95, 4:4:4). */
export async function encodeImage(image: Image, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  let p = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  if (image.channels === 1) p = p.toColourspace('b-w'); // else sharp writes gray as RGB
  return format === 'jpeg' ? p.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer() : p.png().toBuffer();
}
