/** previewGrid: a decodable, labelled PNG with one row per (corruption, image) and clean + 5 columns. */
import { expect } from 'chai';
import sharp from 'sharp';
import { previewGrid } from '../../src/corruptions/preview.js';
import { builtinCorruptions } from '../../src/corruptions/registry.js';
import { digitImage, sceneImage } from './fixtures.js';

describe('previewGrid', () => {
  it('lays out rows = corruptions x images, columns = clean + severities, upscaled 28 px digits', async () => {
    const cs = (await builtinCorruptions()).filter((c) => ['gaussian_noise', 'pixelate', 'jpeg_compression'].includes(c.name));
    const png = await previewGrid([digitImage(), digitImage(28, 28, 2)], cs, [1, 2, 3, 4, 5], 0);
    const meta = await sharp(png).metadata();
    expect(meta.format).to.equal('png');
    // 28 px cells upscaled ×4 to 112 px (minimum 96); label column 170, gaps 4, header 26.
    expect(meta.width).to.equal(170 + 6 * (112 + 4) + 4);
    expect(meta.height).to.equal(26 + 6 * (112 + 4) + 4);
    // The clean cell of the first row shows the digit upscaled: its top-left pixel is the digit's.
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(data[(26 * info.width + 170) * info.channels]).to.equal(digitImage().data[0]);
  });

  it('draws RGB images and refuses mixed sizes', async () => {
    const fog = (await builtinCorruptions()).filter((c) => c.name === 'fog');
    const png = await previewGrid([sceneImage(32, 32, 3)], fog, [1, 5], 'seed');
    expect((await sharp(png).metadata()).width).to.equal(170 + 3 * (96 + 4) + 4);
    try {
      await previewGrid([sceneImage(32, 32, 3), sceneImage(28, 28, 3)], fog);
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.equal('previewGrid: images differ in size (32x32 vs 28x28)');
    }
  });
});
