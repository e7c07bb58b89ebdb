/**
 * The corruption pool (src/corruptions/pool.ts): byte-identical output for any pool size, every call on its own
 * copy of the input, and the per-call time limit that stops an endless loop or a promise that never settles.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { corruptDataset } from '../../src/corruptions/apply.js';
import { closeCorruptionPools, corruptPixelsInPool, sharedPixels } from '../../src/corruptions/pool.js';
import { builtinCorruptionFile, builtinCorruptions, createCorruptionRegistry } from '../../src/corruptions/registry.js';
import { PluginError } from '../../src/plugins/plugin-error.js';
import { preflightRunCorruptions } from '../../src/run/run-suites.js';
import type { RunConfig } from '../../src/config/run-config.js';
import type { DataSplits } from '../../src/data/dataset.js';
import { rejection } from '../support/capture.js';
import { sceneDataset } from './fixtures.js';

const DEFINE_URL = pathToFileURL(resolve('src/corruptions/define.ts')).href;
const ROOT = resolve('.');

describe('the corruption pool', function () {
  this.timeout(120_000);
  let dir: string;
  const write = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `import { defineCorruption } from '${DEFINE_URL}';\nexport default defineCorruption({ version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'test plugin', ${body} });\n`);
    return file;
  };
  before(() => (dir = mkdtempSync(join(tmpdir(), 'topk-pool-'))));
  after(async () => {
    await closeCorruptionPools();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every one of the 19 built-ins the same bytes on 2 and 3 threads as on this thread', async () => {
    const d = sceneDataset(24, 32, 32, 3);
    for (const c of await builtinCorruptions()) {
      const one = await corruptDataset(d, c, 3, { seed: 7 });
      const module = (await builtinCorruptionFile(c))!;
      for (const threads of [2, 3]) {
        const pooled = await corruptPixelsInPool(d, c, 3, { seed: 7, table: 'cifar', threads, timeoutSeconds: 60, module, source: 'built-in' });
        expect(Buffer.compare(Buffer.from(pooled), Buffer.from(one.images)), `${c.name} on ${threads} threads`).to.equal(0);
      }
    }
  });

  it('a built-in with threads: its first images on this thread, the rest on the pool only when the work pays; same bytes either way', async () => {
    // 2,200 images of 32x32x3 (over the 2 MiB below which everything stays here)
    const d = sceneDataset(2200, 32, 32, 3);
    const all = await builtinCorruptions();
    for (const name of ['zoom_blur', 'contrast']) { // about 600 us and 10 us an image here: pool and no pool
      const c = all.find((x) => x.name === name)!;
      const one = await corruptDataset(d, c, 2, { seed: 4 });
      const progress: number[] = [];
      const two = await corruptDataset(d, c, 2, { seed: 4, threads: 2, onProgress: (done) => progress.push(done) });
      expect(Buffer.compare(Buffer.from(two.images), Buffer.from(one.images)), name).to.equal(0);
      expect(progress.at(-1), `${name}: progress ends at the count`).to.equal(2200);
      // into a reused buffer (options.into), through the same probe-then-pool path
      const into = new Uint8Array(d.images.length);
      const reused = await corruptDataset(d, c, 2, { seed: 4, threads: 2, into });
      expect(reused.images).to.equal(into);
      expect(Buffer.compare(Buffer.from(into), Buffer.from(one.images)), `${name} into`).to.equal(0);
    }
    // the pool's part alone: images [first, count) as this thread gives them, the caller's part left to it
    const zoom = all.find((x) => x.name === 'zoom_blur')!;
    const small = sceneDataset(20, 32, 32, 3);
    const one = await corruptDataset(small, zoom, 3, { seed: 7 });
    const pooled = await corruptPixelsInPool(small, zoom, 3, { seed: 7, table: 'cifar', threads: 2, timeoutSeconds: 60, module: (await builtinCorruptionFile(zoom))!, source: 'built-in', first: 8 });
    const size = 32 * 32 * 3;
    expect(Buffer.compare(Buffer.from(pooled.subarray(8 * size)), Buffer.from(one.images.subarray(8 * size)))).to.equal(0);
    expect(pooled.subarray(0, 8 * size).every((v) => v === 0)).to.equal(true);
  });

  it('reads a dataset in shared memory and writes a shared options.into in place: the same bytes, nothing copied back', async () => {
    const d = sceneDataset(2200, 32, 32, 3);
    const sharedSet = { ...d, images: sharedPixels(d.images) };
    expect(sharedSet.images.buffer).to.be.instanceOf(SharedArrayBuffer);
    const all = await builtinCorruptions();
    const zoom = all.find((x) => x.name === 'zoom_blur')!;
    const into = sharedPixels(new Uint8Array(d.images.length));
    // in shared memory the pool pays for the cheap ones too (contrast: ~10 us an image)
    for (const c of [zoom, all.find((x) => x.name === 'contrast')!]) {
      const one = await corruptDataset(d, c, 2, { seed: 4 });
      const two = await corruptDataset(sharedSet, c, 2, { seed: 4, threads: 2, into });
      expect(two.images).to.equal(into);
      expect(Buffer.compare(Buffer.from(into), Buffer.from(one.images)), c.name).to.equal(0);
      expect(Buffer.compare(Buffer.from(sharedSet.images), Buffer.from(d.images)), 'the shared input is unchanged').to.equal(0);
    }
    // the pool's part alone writes into the shared buffer itself, leaving the caller's part as it was
    const size = 32 * 32 * 3;
    const small = sceneDataset(20, 32, 32, 3);
    const smallOne = await corruptDataset(small, zoom, 3, { seed: 7 });
    const target = sharedPixels(new Uint8Array(small.images.length).fill(9));
    const pooled = await corruptPixelsInPool({ ...small, images: sharedPixels(small.images) }, zoom, 3, {
      seed: 7, table: 'cifar', threads: 2, timeoutSeconds: 60, module: (await builtinCorruptionFile(zoom))!, source: 'built-in', first: 8, into: target,
    });
    expect(pooled.buffer).to.equal(target.buffer);
    expect(Buffer.compare(Buffer.from(target.subarray(8 * size)), Buffer.from(smallOne.images.subarray(8 * size)))).to.equal(0);
    expect(target.subarray(0, 8 * size).every((v) => v === 9)).to.equal(true);
    // a plugin too: its calls still get their own copies of the shared images
    const file = write('wipe.mjs', `name: 'wipe', apply(image) { const out = image.data.slice(); image.data.fill(0); return { ...image, data: out }; }`);
    const reg = await createCorruptionRegistry({ plugins: [file] });
    const wiped = await corruptDataset(sharedSet, reg.get('wipe'), 1, { seed: 1, source: file, module: reg.fileOf('wipe'), threads: 2, into });
    expect(Buffer.compare(Buffer.from(wiped.images), Buffer.from(d.images))).to.equal(0);
    expect(Buffer.compare(Buffer.from(sharedSet.images), Buffer.from(d.images)), 'the plugin did not wipe the shared input').to.equal(0);
  });

  it('runs a plugin on the pool with the same bytes as on this thread, and hands each call its own copy', async () => {
    // writes into its input, and its output depends on the random stream
    const file = write('scribble.mjs', `name: 'scribble', apply(image, { rng }) { const out = image.data.slice(); image.data.fill(0); for (let i = 0; i < out.length; i += 7) out[i] = Math.floor(rng() * 256); return { ...image, data: out }; }`);
    const reg = await createCorruptionRegistry({ plugins: [file] });
    const c = reg.get('scribble');
    const d = sceneDataset(40, 16, 16, 3);
    const before = Uint8Array.from(d.images);
    const inline = await corruptDataset(d, c, 2, { seed: 3 }); // no source: this thread
    expect(Buffer.compare(Buffer.from(d.images), Buffer.from(before)), 'the dataset after the call on this thread').to.equal(0);
    for (const threads of [1, 2]) {
      const pooled = await corruptDataset(d, c, 2, { seed: 3, source: file, module: reg.fileOf('scribble'), threads });
      expect(Buffer.compare(Buffer.from(pooled.images), Buffer.from(inline.images)), `${threads} threads`).to.equal(0);
    }
    expect(Buffer.compare(Buffer.from(d.images), Buffer.from(before)), 'the dataset after the pooled calls').to.equal(0);
    // the next corruption sees the clean images
    const fog = reg.get('fog');
    const after = await corruptDataset(d, fog, 1, { seed: 3 });
    const clean = await corruptDataset({ ...d, images: before }, fog, 1, { seed: 3 });
    expect(Buffer.compare(Buffer.from(after.images), Buffer.from(clean.images))).to.equal(0);
  });

  it('spreads a job over its threads by what the images cost: each image once, on every thread, a slow one held by one thread', async () => {
    // each call writes its worker's threadId into its output; image 0 is slow (60 ms), the rest ~2 ms: the other
    // thread takes most of the rest meanwhile (each thread claims its next image from a shared counter)
    const file = join(dir, 'whose.mjs');
    writeFileSync(file, `import { threadId } from 'node:worker_threads';
import { defineCorruption } from '${DEFINE_URL}';
export default defineCorruption({ name: 'whose', version: 1, family: 'custom', severities: [1, 2, 3, 4, 5], description: 'test plugin', apply(image) {
  const until = performance.now() + (image.data[0] === 200 ? 60 : 2);
  while (performance.now() < until) {}
  return { ...image, data: new Uint8Array(image.data.length).fill(threadId) };
} });
`);
    const reg = await createCorruptionRegistry({ plugins: [file] });
    const d = sceneDataset(48, 8, 8, 3);
    d.images.fill(0);
    d.images[0] = 200;
    const size = 8 * 8 * 3;
    const out = await corruptDataset(d, reg.get('whose'), 1, { seed: 1, source: file, module: reg.fileOf('whose'), threads: 2 });
    const owners = Array.from({ length: 48 }, (_, i) => out.images[i * size]);
    expect(owners.every((t) => t > 0), `every image done on a worker: ${owners.join(',')}`).to.equal(true);
    const counts = new Map<number, number>();
    for (const t of owners) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(counts.size, 'both threads took images').to.equal(2);
    // the thread with the slow image (60 ms) did few others; the other took the bulk (about 30 of 47 at 2 ms each)
    expect(counts.get(owners[0])!, `images on the slow image's thread: ${[...counts.values()].join(' / ')}`).to.be.below(24);
  });

  it('stops a plugin that loops forever, naming the plugin, severity and image', async () => {
    const file = write('forever.mjs', `name: 'forever', apply(image) { if (image.data[0] === 255) { for (;;) {} } return { ...image, data: image.data.slice() }; }`);
    const reg = await createCorruptionRegistry({ plugins: [file] });
    const d = sceneDataset(6, 8, 8, 1);
    d.images[3 * 64] = 255; // image 3 hangs
    const t0 = performance.now();
    const e = await rejection(corruptDataset(d, reg.get('forever'), 4, { seed: 0, source: file, module: file, threads: 2, timeoutSeconds: 1 }));
    expect(performance.now() - t0).to.be.below(10_000);
    expect(e).to.be.instanceOf(PluginError);
    expect(e.message).to.equal(`corruption plugin 'forever' (${file}), severity 4, image 3: no result after 1 s (corruption.timeoutSeconds); its worker thread was stopped`);
  });

  it('stops a plugin whose promise never settles, and reports a throwing plugin with its image', async () => {
    const never = write('never.mjs', `name: 'never_settles', apply() { return new Promise(() => {}); }`);
    const throws = write('throws.mjs', `name: 'throws_late', apply(image, { severity }) { if (image.data[1] === 99) throw new Error('bad pixel'); return { ...image, data: image.data.slice() }; }`);
    const reg = await createCorruptionRegistry({ plugins: [never, throws] });
    const d = sceneDataset(5, 8, 8, 1);
    const e = await rejection(corruptDataset(d, reg.get('never_settles'), 2, { seed: 0, source: never, module: never, threads: 1, timeoutSeconds: 0.5 }));
    expect(e.message).to.equal(`corruption plugin 'never_settles' (${never}), severity 2, image 0: no result after 0.5 s (corruption.timeoutSeconds); its worker thread was stopped`);
    d.images[2 * 64 + 1] = 99;
    const t = await rejection(corruptDataset(d, reg.get('throws_late'), 5, { seed: 0, source: throws, module: throws, threads: 2 }));
    expect(t.message).to.equal(`corruption plugin 'throws_late' (${throws}), severity 5, image 2: bad pixel`);
  });

  it("a run's preflight stops a plugin that loops forever before any model trains (it used to hang the run)", async () => {
    const file = write('spin.mjs', `name: 'spin', apply(image, { severity }) { if (severity === 3) { for (;;) {} } return { ...image, data: image.data.slice() }; }`);
    const config = { seed: 0, suites: ['corruption'], corruption: { plugins: [file], table: 'auto', timeoutSeconds: 1 } } as unknown as RunConfig;
    const data = { test: sceneDataset(2, 8, 8, 3) } as unknown as DataSplits;
    const e = await rejection(preflightRunCorruptions(config, data));
    expect(e.message).to.equal(`corruption plugin 'spin' (${file}), severity 3, image 0: no result after 1 s (corruption.timeoutSeconds); its worker thread was stopped`);
  });

  it('`corrupt` exits 2 with one line when a plugin never settles (it used to exit 0 with no output)', () => {
    const never = write('never2.mjs', `name: 'never_two', apply() { return new Promise(() => {}); }`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'api/cli.ts', 'corrupt', '--dataset', 'synthetic', '--limit', '3', '--corruption', 'never_two', '--severity', '1',
      '--corruption-module', never, '--timeout', '1', '--out', join(dir, 'out')], { cwd: ROOT, encoding: 'utf8', timeout: 100_000 });
    expect(r.status, `status ${r.status} signal ${r.signal}: ${r.stderr}`).to.equal(2);
    expect(r.stderr).to.contain(`corruption plugin 'never_two' (${never}), severity 1, image 0: no result after 1 s`);
  });
});
