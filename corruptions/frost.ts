/**
 * frost — an ice-crystal texture blended over the image: clip(c0·x + c1·frost) on the 0..255 scale.
 *
 * Reference: make_imagenet_c.py / make_cifar_c.py `frost` with (image weight c0, frost weight c1): one of the
 * photographs frost1..frost5 (`randint(5)`; frost6 is never picked), a random crop the size of the image (CIFAR:
 * after shrinking the photograph with cv2.resize(fx=0.2, fy=0.2)), channels BGR → RGB,
 * out = clip(c0·x + c1·crop, 0, 255), truncated.
 * Deviation (by design — no texture files are shipped or downloaded): the five photographs are replaced by five
 * procedural textures, generated once per process (about 0.35 s each, on first use) from fixed streams
 * rngFor('frost-texture', k), so they are the same in every run, as the photographs are; each image then draws
 * its style (randint(5)) and crop position from its own stream, as the reference does. A texture is 640 x 640,
 * 8-bit, and imitates its photograph:
 * - the mean colour and contrast measured on it: frost1 (78, 149, 166) ±20 cyan crumpled ice; frost2 and frost3
 *   (201, 205, 215) ±22 white needles (the two files hold the same photograph); frost4 (138, 153, 165) ±29;
 *   frost5 (112, 123, 135) ±43 feathery crystals;
 * - a plasma-fractal haze (textures.ts) for the slow brightness variation of the glass;
 * - feather-like crystals: stems of 12–48 px with barbs at about ±60° (hexagonal ice), two levels deep, drawn
 *   anti-aliased with random lengths, angles and brightness, then a little grain.
 * The CIFAR table uses the texture shrunk as the reference shrinks its photographs (every 5th pixel: bilinear
 * at 0.2× samples pixel 5i + 2), 128 x 128, so crystals are a few pixels long on 32-px images. Images larger
 * than the texture get it enlarged (bilinear) to 1.1× the covering size, as imagecorruptions does. The blend adds
 * on average what the reference adds; the crops do not look like the photographs in detail.
 * Grayscale: the texture's luma (imagecorruptions' rgb2gray weights 0.2989, 0.587, 0.114) on the one channel.
 */
import { defineCorruption, type SeverityTable } from '../src/corruptions/define.js';
import { gaussianFilter, sampleBilinear } from '../src/corruptions/filters.js';
import { imageFrom255 } from '../src/corruptions/image.js';
import { pixelStream, type PixelStream } from '../src/corruptions/random.js';
import { rngFor } from '../src/rng.js';
import { nextPowerOfTwo, plasmaFractal } from '../src/corruptions/textures.js';

export interface FrostParams {
  /** Weight of the image (0..255 scale). */
  image: number;
  /** Weight of the frost texture. */
  frost: number;
}

interface FrostStyle {
  /** Mean RGB of the photograph the style imitates. */
  mean: [number, number, number];
  /** Its per-channel standard deviation (average over channels). */
  std: number;
  /** Share of the crystals in the texture's variation (the rest is haze). */
  crystals: number;
  /** Crystals per (stem length)² of area. */
  density: number;
}

/** Styles in the order of frost1..frost5. Means and stds measured on the photographs (sharp stats). */
const STYLES: readonly FrostStyle[] = [
  { mean: [78, 149, 166], std: 20, crystals: 0.35, density: 1.2 },
  { mean: [201, 205, 215], std: 22, crystals: 0.75, density: 2.2 },
  { mean: [201, 205, 215], std: 22, crystals: 0.75, density: 2.2 },
  { mean: [138, 153, 165], std: 29, crystals: 0.6, density: 1.8 },
  { mean: [112, 123, 135], std: 43, crystals: 0.8, density: 2.6 },
];

/** Add a bilinear splat of value v at (y, x), keeping the maximum. */
function splat(canvas: Float64Array, h: number, w: number, y: number, x: number, v: number): void {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  const put = (yy: number, xx: number, wt: number): void => {
    if (yy < 0 || yy >= h || xx < 0 || xx >= w) return;
    const i = yy * w + xx;
    const val = v * wt;
    if (val > canvas[i]) canvas[i] = val;
  };
  put(y0, x0, (1 - fy) * (1 - fx));
  put(y0, x0 + 1, (1 - fy) * fx);
  put(y0 + 1, x0, fy * (1 - fx));
  put(y0 + 1, x0 + 1, fy * fx);
}

function drawLine(canvas: Float64Array, h: number, w: number, y: number, x: number, angle: number, length: number, v: number): void {
  const steps = Math.max(1, Math.ceil(length * 2));
  const dy = (Math.sin(angle) * length) / steps;
  const dx = (Math.cos(angle) * length) / steps;
  for (let i = 0; i <= steps; i++) splat(canvas, h, w, y + i * dy, x + i * dx, v * (1 - (0.4 * i) / steps));
}

/**
 * A frost feather: a straight stem with barbs on both sides at about ±60° (hexagonal ice), barbs shorter towards
 * the tip, each barb feathered again down to `depth` 0.
 */
function growCrystal(
  canvas: Float64Array, h: number, w: number, s: PixelStream,
  y: number, x: number, angle: number, length: number, v: number, depth: number,
): void {
  drawLine(canvas, h, w, y, x, angle, length, v);
  if (depth >= 2) drawLine(canvas, h, w, y + 0.6 * Math.cos(angle), x - 0.6 * Math.sin(angle), angle, length * 0.9, v * 0.8);
  if (depth === 0 || length < 2) return;
  const spacing = 2.5 + 2.5 * s.uniform();
  const barbs = Math.min(14, Math.max(1, Math.round(length / spacing)));
  for (let k = 1; k <= barbs; k++) {
    const t = (k - 0.5 * s.uniform()) / (barbs + 0.5);
    const by = y + Math.sin(angle) * length * t;
    const bx = x + Math.cos(angle) * length * t;
    for (const side of [-1, 1]) {
      if (s.uniform() < 0.15) continue;
      const a = angle + side * (Math.PI / 3 + 0.35 * (s.uniform() - 0.5));
      const len = length * (0.2 + 0.25 * s.uniform()) * (1 - 0.6 * t);
      growCrystal(canvas, h, w, s, by, bx, a, len, v * (0.7 + 0.25 * s.uniform()), depth - 1);
    }
  }
}

/** Side of the generated textures at the ImageNet scale (the photographs are 527–900 px wide). */
export const FROST_TEXTURE_SIZE = 640;

/**
 * Texture of style `style` (0..4): FROST_TEXTURE_SIZE² RGB on the 0..255 scale, generated from a fixed stream
 * (rngFor('frost-texture', style)), so it is the same in every run — like the reference's photographs.
 */
export function generateFrostTexture(style: number): Uint8Array {
  const st = STYLES[style];
  const s = pixelStream(rngFor('frost-texture', style));
  const size = FROST_TEXTURE_SIZE;
  const n = size * size;
  const stem = 30;

  const fsize = nextPowerOfTwo(size);
  const fractal = plasmaFractal(s, fsize, 2);
  const haze = new Float64Array(n);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) haze[y * size + x] = fractal[y * fsize + x];

  const crystals = new Float64Array(n);
  const margin = stem;
  const count = Math.round((st.density * (size + 2 * margin) ** 2) / (stem * stem));
  const base = s.uniform() * Math.PI; // a dominant growth direction, as on a window pane
  for (let k = 0; k < count; k++) {
    const y = -margin + s.uniform() * (size + 2 * margin);
    const x = -margin + s.uniform() * (size + 2 * margin);
    const angle = base + (s.uniform() - 0.5) * Math.PI * 1.2;
    const length = stem * (0.4 + 1.2 * s.uniform());
    growCrystal(crystals, size, size, s, y, x, angle, length, 0.5 + 0.5 * s.uniform(), 2);
  }
  const soft = gaussianFilter(crystals, size, size, 1, 0.6, 'nearest');

  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    v[i] = (1 - st.crystals) * haze[i] + st.crystals * (0.6 * soft[i] + 0.4 * crystals[i]) + 0.04 * s.normal();
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i];
  mean /= n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (v[i] - mean) ** 2;
  sd = Math.sqrt(sd / n) || 1;
  const out = new Uint8Array(n * 3); // 8-bit like the photographs
  for (let i = 0; i < n; i++) {
    const z = (v[i] - mean) / sd;
    for (let ch = 0; ch < 3; ch++) out[i * 3 + ch] = Math.min(255, Math.max(0, Math.round(st.mean[ch] + st.std * z)));
  }
  return out;
}

/** An 8-bit RGB texture. */
export interface FrostTexture {
  data: Uint8Array;
  height: number;
  width: number;
}

const textureCache = new Map<string, FrostTexture>();

/**
 * The texture a table uses: ImageNet — the full texture; CIFAR — shrunk 0.2× as the reference does with
 * cv2.resize(fx=0.2, fy=0.2) (bilinear at that ratio samples pixel 5i + 2). When the image is larger than the
 * texture, the texture is enlarged (bilinear) to 1.1× the size that covers it, as imagecorruptions does.
 */
export function frostTextureFor(style: number, table: SeverityTable, height: number, width: number): FrostTexture {
  const key = `${style}|${table}`;
  let tex = textureCache.get(key);
  if (tex === undefined) {
    const fullKey = `${style}|imagenet`;
    let fullTex = textureCache.get(fullKey);
    if (fullTex === undefined) {
      fullTex = { data: generateFrostTexture(style), height: FROST_TEXTURE_SIZE, width: FROST_TEXTURE_SIZE };
      textureCache.set(fullKey, fullTex);
    }
    const full = fullTex.data;
    if (table === 'imagenet') tex = fullTex;
    else {
      const side = Math.floor(FROST_TEXTURE_SIZE * 0.2);
      const data = new Uint8Array(side * side * 3);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const src = ((5 * y + 2) * FROST_TEXTURE_SIZE + 5 * x + 2) * 3;
          for (let ch = 0; ch < 3; ch++) data[(y * side + x) * 3 + ch] = full[src + ch];
        }
      }
      tex = { data, height: side, width: side };
    }
    textureCache.set(key, tex);
  }
  if (tex.height > height && tex.width > width) return tex;
  const f = 1.1 * Math.max(height / tex.height, width / tex.width, 1);
  const bigKey = `${key}|${Math.ceil(tex.height * f)}x${Math.ceil(tex.width * f)}`;
  let big = textureCache.get(bigKey);
  if (big === undefined) {
    big = resizeBilinear(tex, Math.ceil(tex.height * f), Math.ceil(tex.width * f));
    textureCache.set(bigKey, big);
  }
  return big;
}

function resizeBilinear(t: FrostTexture, oh: number, ow: number): FrostTexture {
  const out = new Uint8Array(oh * ow * 3);
  const src = Float64Array.from(t.data);
  const px = new Float64Array(3);
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(Math.max(((y + 0.5) * t.height) / oh - 0.5, 0), t.height - 1);
    for (let x = 0; x < ow; x++) {
      const sx = Math.min(Math.max(((x + 0.5) * t.width) / ow - 0.5, 0), t.width - 1);
      sampleBilinear(src, t.height, t.width, 3, sy, sx, 'nearest', px, 0);
      for (let ch = 0; ch < 3; ch++) out[(y * ow + x) * 3 + ch] = Math.round(px[ch]);
    }
  }
  return { data: out, height: oh, width: ow };
}

export default defineCorruption<FrostParams>({
  name: 'frost',
  version: 2,
  family: 'weather',
  description: 'procedural ice-crystal texture blended as image·x + frost·texture (0..255 scale)',
  severities: {
    cifar: [
      { image: 1, frost: 0.2 },
      { image: 1, frost: 0.3 },
      { image: 0.9, frost: 0.4 },
      { image: 0.85, frost: 0.4 },
      { image: 0.75, frost: 0.45 },
    ],
    imagenet: [
      { image: 1, frost: 0.4 },
      { image: 0.8, frost: 0.6 },
      { image: 0.7, frost: 0.7 },
      { image: 0.65, frost: 0.7 },
      { image: 0.6, frost: 0.75 },
    ],
  },
  apply(image, { rng, params, table }) {
    const { height: h, width: w, channels: c } = image;
    const s = pixelStream(rng);
    const tex = frostTextureFor(s.intIn(0, 5), table, h, w);
    const top = s.intIn(0, Math.max(1, tex.height - h));
    const left = s.intIn(0, Math.max(1, tex.width - w));
    const src = image.data;
    const out = new Float64Array(src.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const t = ((top + y) * tex.width + left + x) * 3;
        if (c === 3) {
          for (let ch = 0; ch < 3; ch++) out[i * 3 + ch] = params.image * src[i * 3 + ch] + params.frost * tex.data[t + ch];
        } else {
          const g = 0.2989 * tex.data[t] + 0.587 * tex.data[t + 1] + 0.114 * tex.data[t + 2];
          out[i] = params.image * src[i] + params.frost * g;
        }
      }
    }
    return imageFrom255(out, image);
  },
});
