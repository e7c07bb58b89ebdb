/**
 * Corruption preflight: one test per rule with the exact one-line message, the NaN-refusing byte helpers behind
 * the 'range' rule, every built-in passing on an MNIST-sized and a CIFAR-sized probe, and a TypeScript plugin in a
 * bare temp folder (no package.json) loading and passing.
 */
import '../../api/builtins.js';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineCorruption, type Corruption, type CorruptionDefinition } from '../../src/corruptions/define.js';
import { clipToByte, imageFromUnit, NaNPixelError, roundToByte, unitToByte, type Image } from '../../src/corruptions/image.js';
import {
  CorruptionPreflightError, formatPreflightFailure, preflightCorruption, preflightCorruptions, probeImage,
  type PreflightFailure,
} from '../../src/corruptions/preflight.js';
import { builtinCorruptions, loadCorruptionModule } from '../../src/corruptions/registry.js';
import { HarnessInputError } from '../../src/errors.js';
import { rejection as rejects, thrown as throws } from '../support/capture.js';

const MNIST = { height: 28, width: 28, channels: 1 } as const;
const CIFAR = { height: 32, width: 32, channels: 3 } as const;
const SOURCE = './plugins/vignette.ts';

/** A well-behaved plugin to derive the broken ones from: darkens by severity * 10. */
const base: CorruptionDefinition<number> = {
  name: 'vignette', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'darkens by 10 * c',
  apply: (im, { params }) => ({ ...im, data: im.data.map((v) => Math.max(0, v - 10 * params)) }),
};

const plugin = <P>(over: Partial<CorruptionDefinition<P>>): Corruption =>
  defineCorruption({ ...base, ...over } as CorruptionDefinition<P>) as Corruption;

/** The one-line messages preflight gives for `c` on a 28x28x1 probe, severities in order. */
async function messages(c: Corruption, table: 'cifar' | 'imagenet' = 'cifar'): Promise<string[]> {
  const failures = await preflightCorruption(c, { source: SOURCE, seed: 5, table, probe: probeImage(MNIST, 5) });
  return failures.map(formatPreflightFailure);
}

describe('preflight rules', () => {
  it('passes a well-behaved plugin', async () => {
    expect(await messages(plugin({}))).to.deep.equal([]);
  });

  it('shape: a wrong-size result, and data of the wrong length', async () => {
    const short = plugin({
      apply: (im, { severity }) => severity >= 3 ? { ...im, height: im.height - 1, data: im.data.slice(im.width) } : im,
    });
    const m = await messages(short);
    expect(m).to.have.length(3);
    expect(m[0]).to.equal("corruption plugin 'vignette' (./plugins/vignette.ts), severity 3: returned 27x28x1, expected 28x28x1 [rule: shape]");
    const bytes = plugin({ apply: (im) => ({ ...im, data: im.data.slice(1) }) });
    expect((await messages(bytes))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: returned 783 bytes of data for 28x28x1, expected 784 [rule: shape]",
    );
  });

  it('type: Float32Array data, a number[], no image at all, a non-integer size', async () => {
    const float = plugin({ apply: (im) => ({ ...im, data: Float32Array.from(im.data) as unknown as Uint8Array }) });
    expect((await messages(float))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: returned data as a Float32Array, expected a Uint8Array [rule: type]",
    );
    const list = plugin({ apply: (im) => ({ ...im, data: Array.from(im.data) as unknown as Uint8Array }) });
    expect((await messages(list))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: returned data as a number[] of length 784, expected a Uint8Array [rule: type]",
    );
    const nothing = plugin({ apply: () => undefined as unknown as Image });
    expect((await messages(nothing))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: returned undefined, expected an image { data, height, width, channels } [rule: type]",
    );
    const text = plugin({ apply: (im) => ({ ...im, height: '28' as unknown as number }) });
    expect((await messages(text))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: returned height '28', expected an integer [rule: type]",
    );
  });

  it('params: NaN or Infinity nested in a severity parameter, naming the path and the table', async () => {
    const nested = plugin<{ sigma: number }>({
      severities: [{ sigma: 1 }, { sigma: 2 }, { sigma: 0 / 0 }, { sigma: 4 }, { sigma: 5 }],
      apply: (im) => im,
    });
    expect(await messages(nested)).to.deep.equal([
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 3: params.sigma is NaN in the cifar table; severity parameters must be finite numbers [rule: params]",
    ]);
    const deep = plugin<number[]>({
      severities: { cifar: [[1], [2], [3], [4], [5]], imagenet: [[1, 1], [2, 2], [3, 3], [4, 4], [5, 1 / 0]] },
      apply: (im) => im,
    });
    expect(await messages(deep)).to.deep.equal([]);
    expect(await messages(deep, 'imagenet')).to.deep.equal([
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 5: params[1] is Infinity in the imagenet table; severity parameters must be finite numbers [rule: params]",
    ]);
  });

  it('nondeterministic: Math.random instead of ctx.rng, at every severity', async () => {
    const random = plugin({ apply: (im) => ({ ...im, data: im.data.map((v) => v ^ (Math.random() < 0.5 ? 1 : 0)) }) });
    const m = await messages(random);
    expect(m).to.have.length(5);
    expect(m[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: output differs between two calls with the same seed (uses Math.random or other state? draw every random number from ctx.rng) [rule: nondeterministic]",
    );
    // ctx.rng is the same stream on both calls: random but reproducible output passes.
    const seeded = plugin({ apply: (im, { rng }) => ({ ...im, data: im.data.map((v) => v ^ (rng() < 0.5 ? 1 : 0)) }) });
    expect(await messages(seeded)).to.deep.equal([]);
  });

  it('mutates-input: writing into the input image', async () => {
    const inPlace = plugin({
      apply: (im) => {
        for (let i = 0; i < im.data.length; i += 2) im.data[i] = 255 - im.data[i];
        return im;
      },
    });
    expect((await messages(inPlace))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: changed 392 of 784 bytes of its input image; copy it first (image.data.slice()) and write into the copy [rule: mutates-input]",
    );
  });

  it("throws: the plugin's own message on one line, no stack; async rejections too", async () => {
    const bad = plugin({
      apply: (im, { severity }) => {
        if (severity === 4) throw new TypeError('kernel radius must be odd\n    at apply (vignette.ts:3:9)');
        return im;
      },
    });
    expect(await messages(bad)).to.deep.equal([
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 4: apply threw TypeError: kernel radius must be odd [rule: throws]",
    ]);
    const rejecting = plugin({ apply: async () => Promise.reject('no sharp') });
    expect((await messages(rejecting))[0]).to.equal(
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 1: apply threw 'no sharp' [rule: throws]",
    );
  });

  it('range: NaN reaching a byte helper is reported with the index', async () => {
    const nan = plugin({
      apply: (im, { severity }) => imageFromUnit(Array.from(im.data, (v, i) => (i === 12 && severity === 2 ? 0 / 0 : v / 255)), im),
    });
    expect(await messages(nan)).to.deep.equal([
      "corruption plugin 'vignette' (./plugins/vignette.ts), severity 2: unitToByte: pixel value at index 12 is NaN, which has no byte value; look for 0/0, log(0) or sqrt of a negative in the corruption [rule: range]",
    ]);
  });

  it('preflightCorruptions: a HarnessInputError with the first failure on one line, every failure as data', async () => {
    const good = { corruption: plugin({}), source: 'built-in' };
    const wrong = { corruption: plugin({ name: 'shrink', apply: (im) => ({ ...im, width: 27 }) }), source: './shrink.mjs' };
    const random = { corruption: plugin({ name: 'noisy', apply: (im) => ({ ...im, data: im.data.map(() => Math.random() * 256) }) }), source: './noisy.ts' };
    const opts = { seed: 'run-1', table: 'cifar', probe: probeImage(MNIST, 'run-1') } as const;
    await preflightCorruptions([good], opts);
    const e = await rejects(preflightCorruptions([good, wrong, random], opts));
    expect(e).to.be.instanceOf(CorruptionPreflightError).and.instanceOf(HarnessInputError);
    expect(e.message).to.equal("corruption plugin 'shrink' (./shrink.mjs), severity 1: returned 28x27x1, expected 28x28x1 [rule: shape]");
    expect(e.message).to.not.include('\n');
    expect((e as HarnessInputError).path).to.equal('./shrink.mjs');
    const failures = (e as CorruptionPreflightError).failures;
    expect(failures.map((f: PreflightFailure) => `${f.corruption}@${f.severity}:${f.rule}`)).to.deep.equal([
      'shrink@1:shape', 'shrink@2:shape', 'shrink@3:shape', 'shrink@4:shape', 'shrink@5:shape',
      'noisy@1:nondeterministic', 'noisy@2:nondeterministic', 'noisy@3:nondeterministic', 'noisy@4:nondeterministic',
      'noisy@5:nondeterministic',
    ]);
  });
});

describe('byte helpers refuse NaN (the range rule)', () => {
  it('clip out-of-range values and infinities as the reference does', () => {
    expect([unitToByte(-0.5), unitToByte(1.5), unitToByte(-1 / 0), unitToByte(1 / 0)]).to.deep.equal([0, 255, 0, 255]);
    expect([clipToByte(-3), clipToByte(300), clipToByte(1 / 0)]).to.deep.equal([0, 255, 255]);
    expect([roundToByte(-3), roundToByte(254.6), roundToByte(1 / 0)]).to.deep.equal([0, 255, 255]);
  });

  it('throw a NaNPixelError (a RangeError) naming the helper and, when known, the index', () => {
    const e = throws(() => unitToByte(Number.NaN));
    expect(e).to.be.instanceOf(NaNPixelError).and.instanceOf(RangeError);
    expect(e.message).to.equal('unitToByte: pixel value is NaN, which has no byte value; look for 0/0, log(0) or sqrt of a negative in the corruption');
    expect(throws(() => clipToByte(Number.NaN, 7)).message).to.equal(
      'clipToByte: pixel value at index 7 is NaN, which has no byte value; look for 0/0, log(0) or sqrt of a negative in the corruption',
    );
    expect((throws(() => roundToByte(Number.NaN)) as NaNPixelError).name).to.equal('NaNPixelError');
    expect((throws(() => imageFromUnit([0, 0.5, Number.NaN], { height: 1, width: 3, channels: 1 })) as NaNPixelError).index).to.equal(2);
  });
});

describe('probeImage', () => {
  it('is seeded, of the asked shape, and spans dark to bright', () => {
    const a = probeImage(CIFAR, 3);
    expect([a.height, a.width, a.channels, a.data.length]).to.deep.equal([32, 32, 3, 32 * 32 * 3]);
    expect(probeImage(CIFAR, 3).data).to.deep.equal(a.data);
    expect(probeImage(CIFAR, 4).data).to.not.deep.equal(a.data);
    const gray = probeImage(MNIST, 3).data;
    expect(Math.min(...gray)).to.equal(0);
    expect(Math.max(...gray)).to.equal(255);
    expect(new Set(gray).size).to.be.greaterThan(100);
  });

  it('refuses a bad shape, naming the value', () => {
    expect(throws(() => probeImage({ height: 28, width: 0, channels: 1 }, 1)).message).to.equal('probeImage: width must be a positive integer, got 0');
    expect(throws(() => probeImage({ height: 28, width: 28, channels: 4 as 3 }, 1)).message).to.equal('probeImage: channels must be 1 or 3, got 4');
  });
});

describe('preflight of the built-ins and of a loaded plugin', () => {
  let all: Corruption[];
  before(async () => {
    all = await builtinCorruptions();
  });

  for (const shape of [MNIST, CIFAR]) {
    const label = `${shape.height}x${shape.width}x${shape.channels}`;
    it(`all 19 built-ins pass on a ${label} probe (cifar table)`, async () => {
      expect(all).to.have.length(19);
      const probe = probeImage(shape, 0);
      const failures = (await Promise.all(all.map((c) => preflightCorruption(c, { source: 'built-in', seed: 0, table: 'cifar', probe })))).flat();
      expect(failures.map(formatPreflightFailure)).to.deep.equal([]);
    });
  }

  describe('a .ts plugin in a temp folder with no package.json', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'topk-preflight-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('loads through loadCorruptionModule and passes preflight', async () => {
      const defineUrl = pathToFileURL(resolve('src/corruptions/define.ts')).href;
      writeFileSync(join(dir, 'dim.ts'), `
        import { defineCorruption, type Image } from '${defineUrl}';
        const darken = (image: Image, by: number): Image => ({ ...image, data: image.data.map((v: number) => Math.max(0, v - by)) });
        export default defineCorruption<number>({
          name: 'dim_ts', version: 1, family: 'custom', severities: [10, 20, 30, 40, 50], description: 'darkens by c levels',
          apply: (image: Image, { params }) => darken(image, params),
        });`);
      const c = await loadCorruptionModule('./dim.ts', { cwd: dir });
      expect(c.name).to.equal('dim_ts');
      expect(c.params(2, 'cifar')).to.equal(20);
      await preflightCorruptions([{ corruption: c, source: './dim.ts' }], { seed: 1, table: 'cifar', probe: probeImage(CIFAR, 1) });
    });
  });
});
