/** corruptDataset / corruptImage: per-image streams, order and batching independence, validation. */
import { expect } from 'chai';
import { subset } from '../../src/data/dataset.js';
import { HarnessInputError } from '../../src/errors.js';
import { rngFor } from '../../src/rng.js';
import { corruptDataset, corruptImage, corruptionStream } from '../../src/corruptions/apply.js';
import { defineCorruption, severityTableFor, type Corruption, type Severity } from '../../src/corruptions/define.js';
import { datasetImage } from '../../src/corruptions/image.js';
import { builtinCorruptions, isBuiltinCorruption } from '../../src/corruptions/registry.js';
import { withEnv } from '../support/env.js';
import { sceneDataset } from './fixtures.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';

const BUILTINS = BUILTIN_CORRUPTIONS;
const get = (n: string): Corruption => BUILTINS.find((c) => c.name === n)!;

describe('corruptDataset', () => {
  const d = sceneDataset(12, 28, 28, 1);

  it('image i equals corrupting image i alone with index i (random and async corruptions)', async () => {
    for (const name of ['gaussian_noise', 'glass_blur', 'snow', 'frost', 'elastic_transform', 'jpeg_compression']) {
      const c = get(name);
      const all = await corruptDataset(d, c, 3, { seed: 9 });
      for (const i of [0, 5, 11]) {
        const one = await corruptImage(datasetImage(d, i), c, 3, { seed: 9, index: i });
        expect(Buffer.from(datasetImage(all, i).data).equals(Buffer.from(one.data)), `${name} image ${i}`).to.equal(true);
      }
    }
  });

  it('does not depend on order, concurrency or which other images are in the set', async () => {
    const c = get('shot_noise');
    const a = await corruptDataset(d, c, 5, { seed: 'run-1', concurrency: 1 });
    const b = await corruptDataset(d, c, 5, { seed: 'run-1', concurrency: 16 });
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).to.equal(true);
    // Image 7 alone in a dataset of one is corrupted with index 0 — so select by corruptImage's index instead:
    const reversed = subset(d, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for (let j = 0; j < 12; j++) {
      const one = await corruptImage(datasetImage(reversed, j), c, 5, { seed: 'run-1', index: 11 - j });
      expect(Buffer.from(one.data).equals(Buffer.from(datasetImage(a, 11 - j).data))).to.equal(true);
    }
    const jpeg = get('jpeg_compression');
    const j1 = await corruptDataset(d, jpeg, 2, { seed: 0, concurrency: 1 });
    const j8 = await corruptDataset(d, jpeg, 2, { seed: 0, concurrency: 8 });
    expect(Buffer.from(j1.images).equals(Buffer.from(j8.images))).to.equal(true);
  });

  it('keeps labels, shape and class names, names the result, reports progress', async () => {
    const seen: number[] = [];
    const out = await corruptDataset(d, get('fog'), 2, { seed: 1, onProgress: (done) => seen.push(done) });
    expect(out.name).to.equal('scenes+fog@2');
    expect([out.count, out.height, out.width, out.channels]).to.deep.equal([12, 28, 28, 1]);
    expect(out.labels).to.deep.equal(d.labels);
    expect(out.labels).to.not.equal(d.labels);
    expect(out.classNames).to.deep.equal(d.classNames);
    expect(seen).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("uses rngFor(seed, 'corruption', name, version, severity, index) as each image's stream", async () => {
    const probe = defineCorruption<number>({
      name: 'probe', version: 3, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'writes its first draw',
      apply: (im, { rng }) => ({ ...im, data: new Uint8Array(im.data.length).fill(Math.floor(rng() * 256)) }),
    });
    const out = await corruptDataset(d, probe, 4, { seed: 77 });
    for (const i of [0, 3, 11]) {
      expect(datasetImage(out, i).data[0]).to.equal(Math.floor(rngFor(77, 'corruption', 'probe', 3, 4, i)() * 256));
    }
    expect(corruptionStream(77, probe, 4, 3)()).to.equal(rngFor(77, 'corruption', 'probe', 3, 4, 3)());
  });

  it("picks the table by size ('cifar' up to 64 px, 'imagenet' above) unless told", async () => {
    expect([severityTableFor(28, 28), severityTableFor(32, 32), severityTableFor(64, 40), severityTableFor(65, 64), severityTableFor(224, 224)])
      .to.deep.equal(['cifar', 'cifar', 'cifar', 'imagenet', 'imagenet']);
    const seenTables: string[] = [];
    const spy = defineCorruption<number>({
      name: 'spy', version: 1, family: 'custom', severities: { cifar: [1, 2, 3, 4, 5], imagenet: [10, 20, 30, 40, 50] },
      description: 'records its table', apply: (im, { table, params }) => { seenTables.push(`${table}:${params}`); return { ...im, data: im.data.slice() }; },
    });
    await corruptDataset(subset(d, [0]), spy, 2, { seed: 0 });
    await corruptDataset(subset(d, [0]), spy, 2, { seed: 0, table: 'imagenet' });
    expect(seenTables).to.deep.equal(['cifar:2', 'imagenet:20']);
  });

  it('refuses bad severities and tables, and corruptions that change the shape', async () => {
    const c = get('contrast');
    try {
      await corruptDataset(d, c, 6 as Severity, { seed: 0 });
      expect.fail('no error');
    } catch (e) {
      expect(e).to.be.instanceOf(HarnessInputError);
      expect((e as Error).message).to.equal('severity must be an integer 1..5, got 6');
    }
    try {
      await corruptDataset(d, c, 1, { seed: 0, table: 'tiny' as 'cifar' });
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.equal("severity table must be cifar or imagenet, got 'tiny'");
    }
    const shrink = defineCorruption<number>({
      name: 'shrink', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'returns a smaller image',
      apply: (im) => ({ ...im, height: im.height - 1, data: im.data.slice(0, (im.height - 1) * im.width * im.channels) }),
    });
    try {
      await corruptDataset(d, shrink, 1, { seed: 0 });
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.equal("corruption 'shrink' (severity 1, image 0) changed the shape from 28x28x1 to 27x28x1");
    }
  });

  it('offers each call its image\'s slot of the output (ctx.output), apart from the input; a result written there is kept as is', async () => {
    const seen: { output?: Uint8Array; input: Uint8Array }[] = [];
    const inPlace = defineCorruption<number>({
      name: 'in_place', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'writes 255 - x into ctx.output',
      apply: (im, ctx) => {
        seen.push({ output: ctx.output, input: im.data });
        const out = ctx.output!;
        for (let i = 0; i < out.length; i++) out[i] = 255 - im.data[i];
        return { ...im, data: out };
      },
    });
    const got = await corruptDataset(d, inPlace, 2, { seed: 0 });
    expect(seen).to.have.length(d.count);
    for (let i = 0; i < d.count; i++) {
      const want = datasetImage(d, i).data.map((v) => 255 - v);
      expect(Buffer.from(datasetImage(got, i).data).equals(Buffer.from(want)), `image ${i}`).to.equal(true);
      expect(seen[i].output!.length).to.equal(28 * 28);
      expect(seen[i].output!.buffer).to.not.equal(seen[i].input.buffer);
    }
    // corruptImage offers none: the result is the corruption's own array
    const one = await corruptImage(datasetImage(d, 0), get('pixelate'), 3, { seed: 0 });
    expect(one.data.length).to.equal(28 * 28);
  });

  it('the kernels\' corruptions write into ctx.output when offered, the same bytes as into their own arrays', async () => {
    const rgb = sceneDataset(2, 40, 48, 3);
    const cases = [
      ['pixelate', 3], ['jpeg_compression', 4], ['spatter', 2], ['spatter', 5], ['fog', 3], ['gaussian_blur', 2], ['gaussian_noise', 3],
      ['speckle_noise', 3],
    ] as const;
    for (const [name, severity] of cases) {
      const c = get(name);
      const image = datasetImage(rgb, 1);
      const ctx = (output?: Uint8Array) => ({ severity, table: 'cifar' as const, params: c.params(severity, 'cifar'), rng: corruptionStream(4, c, severity, 1), ...(output ? { output } : {}) });
      const own = await c.apply({ ...image, data: image.data.slice() }, ctx());
      const slot = new Uint8Array(image.data.length + 8).subarray(4, 4 + image.data.length);
      const into = await c.apply({ ...image, data: image.data.slice() }, ctx(slot));
      expect(Buffer.from(into.data).equals(Buffer.from(own.data)), name).to.equal(true);
      if (name !== 'spatter' || severity < 4) expect(into.data, `${name} ${severity} returns the slot`).to.equal(slot); // spatter's mud mode ignores it
    }
  });

  it('writes the result into options.into when given (the same bytes), and refuses a buffer of another size', async () => {
    const into = new Uint8Array(d.images.length).fill(7);
    for (const name of ['pixelate', 'gaussian_noise', 'jpeg_compression']) {
      const c = get(name);
      const fresh = await corruptDataset(d, c, 4, { seed: 3 });
      const reused = await corruptDataset(d, c, 4, { seed: 3, into });
      expect(reused.images).to.equal(into);
      expect(Buffer.from(reused.images).equals(Buffer.from(fresh.images)), name).to.equal(true);
    }
    try {
      await corruptDataset(d, get('contrast'), 1, { seed: 0, into: new Uint8Array(10) });
      expect.fail('no error');
    } catch (e) {
      expect((e as Error).message).to.equal(`corruptDataset: options.into holds 10 bytes; the dataset's images take ${d.images.length}`);
    }
  });

  it('hands built-ins the dataset\'s own pixels, which none of them changes (every severity, both tables, RGB and gray, kernels on and off); other corruptions get a copy', async function () {
    this.timeout(120_000);
    const loaded = await builtinCorruptions(); // the registry's objects (the run's; BUILTINS are the modules' own)
    expect(loaded.map((c) => c.name)).to.deep.equal(BUILTINS.map((c) => c.name));
    const sets = [sceneDataset(2, 33, 50, 3), sceneDataset(2, 9, 7, 1)];
    for (const c of loaded) {
      expect(isBuiltinCorruption(c), c.name).to.equal(true);
      for (const set of sets) {
        const before = Buffer.from(set.images);
        for (const kernels of ['1', '0']) {
          await withEnv('TOPK_HARNESS_WASM_KERNELS', kernels, async () => {
            for (const table of ['cifar', 'imagenet'] as const) {
              for (const severity of [1, 2, 3, 4, 5] as Severity[]) {
                await corruptDataset(set, c, severity, { seed: 4, table });
                const where = `${c.name} ${set.height}x${set.width}x${set.channels} ${table} severity ${severity} kernels ${kernels}`;
                expect(Buffer.from(set.images).equals(before), where).to.equal(true);
              }
            }
          });
        }
      }
    }
    // an object of the caller's own is not trusted: it writes into a copy
    const wiper = defineCorruption({
      name: 'wiper', version: 1, family: 'digital', description: 'zeroes its input and returns it',
      severities: { cifar: [0, 0, 0, 0, 0], imagenet: [0, 0, 0, 0, 0] },
      apply(image) {
        image.data.fill(0);
        return image;
      },
    });
    expect(isBuiltinCorruption(wiper)).to.equal(false);
    const set = sceneDataset(3, 8, 8, 3);
    const before = Buffer.from(set.images);
    const out = await corruptDataset(set, wiper, 1, { seed: 1 });
    expect(out.images.every((v) => v === 0)).to.equal(true);
    expect(Buffer.from(set.images).equals(before)).to.equal(true);
  });
});
