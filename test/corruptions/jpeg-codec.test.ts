/**
 * The JPEG round trip (src/corruptions/jpeg-codec.ts: jpegLossyRoundTrip, in WebAssembly where the kernels are on,
 * which wasm-kernels.test.ts holds equal to the TypeScript twin byte for byte) against independent implementations:
 * sharp's real encode + decode (libvips with its bundled mozjpeg, extras off) byte for byte, Pillow's
 * (libjpeg-turbo, the reference's library) when /usr/bin/python3 has it, the DQT tables sharp writes, and a port
 * of libjpeg-turbo's reciprocal quantiser.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { requantise } from '../../src/corruptions/jpeg-block.js';
import { jpegLossyRoundTrip } from '../../src/corruptions/jpeg-codec.js';
import { jpegQuantTable, quantiserFor } from '../../src/corruptions/jpeg-quant.js';
import { rngFor } from '../../src/rng.js';
import { encodeJpeg, sharpJpegRoundTrip } from '../support/sharp-jpeg.js';

/** Uniform random bytes: every block busy, lots of clipping after the round trip. */
function noiseImage(h: number, w: number, c: 1 | 3, seed: string): Uint8Array {
  const rng = rngFor('jpeg-codec-test', seed, h, w, c);
  return Uint8Array.from({ length: h * w * c }, () => Math.floor(rng() * 256));
}

/** Photo-like: smooth colour waves plus a little noise (sparse coefficients, the IDCT's shortcuts). */
function smoothImage(h: number, w: number, c: 1 | 3, seed: string): Uint8Array {
  const rng = rngFor('jpeg-codec-test-smooth', seed, h, w, c);
  const out = new Uint8Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        const v = 128 + 100 * Math.sin(x * 0.11 + k) * Math.cos(y * 0.07 - 2 * k) + rng() * 8;
        out[(y * w + x) * c + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/** The index of the first differing byte, or −1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

async function expectSameAsSharp(data: Uint8Array, h: number, w: number, c: 1 | 3, q: number, what: string): Promise<void> {
  const ours = jpegLossyRoundTrip(data, h, w, c, q);
  const theirs = await sharpJpegRoundTrip(data, h, w, c, q);
  const i = firstDifference(ours, theirs);
  if (i >= 0) {
    const px = Math.floor(i / c);
    expect.fail(`${what} ${h}x${w}x${c} q${q}: byte ${i} (y ${Math.floor(px / w)}, x ${px % w}, channel ${i % c}) is ${ours[i]}, sharp ${theirs[i]}`);
  }
}

const QUALITIES = [1, 7, 10, 15, 18, 25, 40, 50, 58, 65, 80, 95, 100];

describe('JPEG round trip (jpeg-codec.ts) is byte-identical to sharp\'s encode + decode', () => {
  // Odd sizes exercise the edge padding (encoder) and edge replication (upsampler); widths up to 4 decode with
  // libjpeg's plain 2x2 upsampler instead of the fancy one.
  const SIZES: [number, number][] = [
    [1, 1], [1, 2], [2, 1], [2, 2], [3, 5], [4, 4], [5, 7], [7, 9], [8, 8], [8, 16], [16, 8], [9, 7],
    [17, 23], [31, 17], [24, 40], [33, 65], [32, 32], [224, 224],
  ];
  for (const [h, w] of SIZES) {
    it(`${h}x${w}, RGB and gray, noise and smooth, qualities ${QUALITIES.join(' ')}`, async () => {
      for (const c of [3, 1] as const) {
        for (const [kind, make] of [['noise', noiseImage], ['smooth', smoothImage]] as const) {
          const data = make(h, w, c, 'sizes');
          for (const q of QUALITIES) await expectSameAsSharp(data, h, w, c, q, kind);
        }
      }
    });
  }
  it('every quality 1..100 at 32x32 RGB noise and 17x23 gray smooth', async () => {
    const rgb = noiseImage(32, 32, 3, 'all-q');
    const gray = smoothImage(17, 23, 1, 'all-q');
    for (let q = 1; q <= 100; q++) {
      await expectSameAsSharp(rgb, 32, 32, 3, q, 'noise');
      await expectSameAsSharp(gray, 17, 23, 1, q, 'smooth');
    }
  });
  it('saturates IDCT overshoot as the SIMD IDCTs do (a block reaching 548 before range limiting, quality 1)', async () => {
    // Found by hill climbing; libjpeg's C range-limit table would wrap 548 to 0, sharp (and Pillow) give 255.
    const block = Uint8Array.from([
      255, 23, 216, 249, 0, 255, 255, 6, 255, 166, 0, 255, 0, 41, 21, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 220, 185, 255, 0,
      0, 220, 0, 255, 192, 255, 0, 0, 236, 69, 255, 34, 0, 0, 255, 255, 255, 255, 234, 0, 250, 29, 255, 255, 255, 0, 0, 255, 203, 0, 255, 142,
    ]);
    await expectSameAsSharp(block, 8, 8, 1, 1, 'overshoot block');
  });
  it('a constant image stays constant and the input is not modified', () => {
    const data = new Uint8Array(20 * 12 * 3).fill(77);
    const out = jpegLossyRoundTrip(data, 20, 12, 3, 50);
    expect(out).to.not.equal(data);
    expect(new Set(data)).to.deep.equal(new Set([77]));
    expect(new Set(out).size).to.equal(1);
  });
});

describe('JPEG quantisation (jpeg-quant.ts)', () => {
  /** Natural-order index of each zigzag position (how DQT stores a table). */
  const ZIGZAG = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
    28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
    47, 55, 62, 63,
  ];
  /** The 8-bit DQT tables of a JPEG file, natural order, by table id. */
  function dqtTables(jpeg: Buffer): Map<number, number[]> {
    const tables = new Map<number, number[]>();
    for (let i = 2; i + 4 <= jpeg.length && jpeg[i] === 0xff && jpeg[i + 1] !== 0xda; i += 2 + jpeg.readUInt16BE(i + 2)) {
      if (jpeg[i + 1] !== 0xdb) continue;
      const end = i + 2 + jpeg.readUInt16BE(i + 2);
      for (let p = i + 4; p < end; p += 65) {
        expect(jpeg[p] >> 4, '8-bit table').to.equal(0);
        const natural = new Array<number>(64);
        for (let k = 0; k < 64; k++) natural[ZIGZAG[k]] = jpeg[p + 1 + k];
        tables.set(jpeg[p] & 15, natural);
      }
    }
    return tables;
  }
  it('jpegQuantTable is the DQT sharp writes, luma and chroma, every quality 1..100', async () => {
    const image = noiseImage(16, 16, 3, 'dqt');
    for (let q = 1; q <= 100; q++) {
      const tables = dqtTables(await encodeJpeg(image, 16, 16, 3, q));
      expect([...jpegQuantTable(q, 0)], `quality ${q} luma`).to.deep.equal(tables.get(0));
      expect([...jpegQuantTable(q, 1)], `quality ${q} chroma`).to.deep.equal(tables.get(1));
    }
  });

  /**
   * libjpeg-turbo's jcdctmgr.c compute_reciprocal for divisor d = 8Q, ported: `bits` is the width of DCTELEM (16
   * in SIMD builds, as shipped on x86 and Arm; 32 without SIMD). Its quantize() then computes the level as
   * ((|x| + corr) · recip) >> shift with the sign restored.
   */
  function libjpegTurboReciprocal(Q: number, bits: 16 | 32): { corr: number; recip: number; scale: number } {
    const d = 8 * Q;
    let r = bits + (31 - Math.clz32(d));
    let recip = Math.floor(2 ** r / d);
    const fr = 2 ** r % d;
    let corr = Math.floor(d / 2);
    if (fr === 0) { recip = Math.floor(recip / 2); r--; } else if (fr <= Math.floor(d / 2)) corr++; else recip++;
    return { corr, recip, scale: 2 ** -r }; // products stay below 2^53 and the scale is a power of two: exact
  }
  it('requantise = libjpeg-turbo\'s reciprocal quantiser (16- and 32-bit builds) = rounding division, every Q 1..255, |x| < 2^15', () => {
    for (let Q = 1; Q <= 255; Q++) {
      const { q, corr, recip, shift } = quantiserFor(Uint16Array.of(Q));
      const simd = libjpegTurboReciprocal(Q, 16), plain = libjpegTurboReciprocal(Q, 32);
      for (let a = 0; a < 32768; a++) { // an 8-bit islow DCT stays below 2^14 in magnitude
        const division = Math.floor((a + 4 * Q) / (8 * Q));
        const bad = division !== Math.floor((a + simd.corr) * simd.recip * simd.scale)
          || division !== Math.floor((a + plain.corr) * plain.recip * plain.scale)
          || requantise(a, 0, q, corr, recip, shift) !== division * Q
          || requantise(-a, 0, q, corr, recip, shift) !== -division * Q;
        if (bad) expect.fail(`Q ${Q}, |x| ${a}: the quantisers disagree (rounding division gives level ${division})`);
      }
    }
  });
});

describe('JPEG round trip (jpeg-codec.ts) matches Pillow, the reference\'s encoder and decoder (python3)', function () {
  this.timeout(60_000);
  // Pillow: save(buf, 'JPEG', quality=q) and Image.open, as make_cifar_c.py / make_imagenet_c.py do.
  const SCRIPT = [
    'import sys, io, json, base64',
    'try:',
    '    import numpy as np',
    '    from PIL import Image',
    'except ImportError:',
    '    sys.exit(3)',
    'out = []',
    'for h, w, c, q, b64 in json.load(sys.stdin):',
    '    a = np.frombuffer(base64.b64decode(b64), np.uint8).reshape((h, w, 3) if c == 3 else (h, w))',
    '    buf = io.BytesIO(); Image.fromarray(a, "RGB" if c == 3 else "L").save(buf, "JPEG", quality=q)',
    '    out.append(base64.b64encode(np.asarray(Image.open(buf)).tobytes()).decode())',
    'print(json.dumps(out))',
  ].join('\n');
  it('noise and smooth, RGB and gray, 32x32, 224x224 and 17x23, qualities 7 15 25 40 58 80 95', function () {
    const cases: [number, number, 1 | 3, number, Uint8Array][] = [];
    for (const [h, w] of [[32, 32], [224, 224], [17, 23]]) {
      for (const c of [3, 1] as const) {
        for (const make of [noiseImage, smoothImage]) {
          for (const q of [7, 15, 25, 40, 58, 80, 95]) cases.push([h, w, c, q, make(h, w, c, 'pillow')]);
        }
      }
    }
    const input = JSON.stringify(cases.map(([h, w, c, q, d]) => [h, w, c, q, Buffer.from(d).toString('base64')]));
    const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.error !== undefined || r.status === 3) {
      console.log('      (skipped: no /usr/bin/python3 with numpy and Pillow)');
      this.skip();
    }
    expect(r.status, r.stderr).to.equal(0);
    const pillow = (JSON.parse(r.stdout) as string[]).map((b) => new Uint8Array(Buffer.from(b, 'base64')));
    cases.forEach(([h, w, c, q, d], k) => {
      const i = firstDifference(jpegLossyRoundTrip(d, h, w, c, q), pillow[k]);
      expect(i, `${h}x${w}x${c} q${q} case ${k}: first differing byte`).to.equal(-1);
    });
  });
});

describe('jpegLossyRoundTrip refuses bad arguments', () => {
  const data = new Uint8Array(4 * 4 * 3);
  for (const q of [0, 101, 2.5, Number.NaN]) {
    it(`quality ${q}`, () => {
      expect(() => jpegLossyRoundTrip(data, 4, 4, 3, q)).to.throw(RangeError, `JPEG quality must be an integer 1..100, got ${q}`);
    });
  }
  it('a buffer of the wrong length', () => {
    expect(() => jpegLossyRoundTrip(data, 4, 5, 3, 50)).to.throw(RangeError, 'JPEG input has 48 bytes, expected 4x5x3 = 60');
  });
});
