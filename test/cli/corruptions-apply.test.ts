/**
 * `topk-harness corruptions apply`: one image file (decoded and written with sharp) or a dataset's test images into
 * PNG files with a manifest. Run on a program built here; output captured through commander's configureOutput.
 */
import { expect } from 'chai';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { registerCorruptionsCommand } from '../../src/cli/corruptions-command.js';
import type { ApplyManifest } from '../../src/cli/corruptions-actions.js';
import { corruptImage, createCorruptionRegistry, datasetImage } from '../../src/corruptions/index.js';
import { loadDataset } from '../../src/data/load.js';
import { HarnessInputError } from '../../src/errors.js';

async function cli(args: string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} });
  registerCorruptionsCommand(program);
  await program.parseAsync(['node', 'topk-harness', 'corruptions', 'apply', ...args]);
  return out;
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Decoded pixels of a written file with the channel count it stores (sharp's raw output would expand gray to RGB). */
async function pixels(file: string): Promise<{ data: Buffer; channels: number; format?: string }> {
  const meta = await sharp(file).metadata();
  const { data, info } = await sharp(file).toColourspace(meta.channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).to.equal(meta.channels);
  return { data, channels: info.channels, format: meta.format };
}

describe('corruptions apply', function () {
  this.timeout(60_000);
  let tmp: string;
  let grey: string; // 8x8 RGB, every pixel (100, 100, 100)
  let grey1: string; // 8x8 one-channel gray 100
  let colour: string; // 8x8 RGBA, every pixel (200, 100, 50, 255)
  let noise: string; // 16x16 RGB seeded-looking pattern

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corruptions-apply-'));
    grey = path.join(tmp, 'grey.png');
    await sharp(Buffer.alloc(8 * 8 * 3, 100), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(grey);
    grey1 = path.join(tmp, 'grey1.png');
    await sharp(Buffer.alloc(8 * 8, 100), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(grey1);
    colour = path.join(tmp, 'colour.png');
    const rgba = Buffer.alloc(8 * 8 * 4);
    for (let i = 0; i < 64; i++) rgba.set([200, 100, 50, 255], i * 4);
    await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } }).png().toFile(colour);
    noise = path.join(tmp, 'noise.png');
    await sharp(Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256)), { raw: { width: 16, height: 16, channels: 3 } })
      .png().toFile(noise);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('brightness severity 5 on a uniform grey image gives the hand-computed HSV value V + c, truncated', async () => {
    // ImageNet table, c = 0.5: S = 0, V = 100/255 + 0.5 → 255·V = 100 + 127.5 = 227.5 → 227 on all three channels
    const out = path.join(tmp, 'bright-imagenet.png');
    expect(await cli(['--image', grey, '--corruption', 'brightness', '--severity', '5', '--table', 'imagenet', '--out', out])).to.equal(`${out}\n`);
    const im = await pixels(out);
    expect(im.format).to.equal('png');
    expect(im.channels).to.equal(3);
    expect(im.data.length).to.equal(8 * 8 * 3);
    expect([...new Set(im.data)]).to.deep.equal([227]);

    // auto: 8 px → CIFAR table, c = 0.3: 100 + 76.5 = 176.5 → 176
    const auto = path.join(tmp, 'bright-auto.png');
    await cli(['--image', grey, '--corruption', 'brightness', '--severity', '5', '--out', auto]);
    expect([...new Set((await pixels(auto)).data)]).to.deep.equal([176]);
  });

  it('keeps a one-channel image one channel, and clips V at 1 keeping hue and saturation; alpha is dropped', async () => {
    const g = path.join(tmp, 'bright-gray.png');
    await cli(['--image', grey1, '--corruption', 'brightness', '--severity', '5', '--table', 'imagenet', '--out', g]);
    const gi = await pixels(g);
    expect(gi.channels).to.equal(1);
    expect([...new Set(gi.data)]).to.deep.equal([227]);

    // (200, 100, 50): H = 1/18, S = 0.75, V = 200/255 + 0.5 > 1 → 1 → (255, 127.5, 63.75) → (255, 127, 63)
    const c = path.join(tmp, 'bright-colour.png');
    await cli(['--image', colour, '--corruption', 'brightness', '--severity', '5', '--table', 'imagenet', '--out', c]);
    const ci = await pixels(c);
    expect(ci.channels).to.equal(3);
    expect([...ci.data.subarray(0, 3)]).to.deep.equal([255, 127, 63]);
    expect([...ci.data.subarray(189, 192)]).to.deep.equal([255, 127, 63]);
  });

  it('the same seed gives the same bytes, another seed other bytes; equal to corruptImage with stream 0', async () => {
    const run = async (name: string, seed: string) => {
      const out = path.join(tmp, name);
      await cli(['--image', noise, '--corruption', 'gaussian_noise', '--severity', '3', '--seed', seed, '--out', out]);
      return (await pixels(out)).data;
    };
    const a = await run('n-a.png', '7');
    const b = await run('n-b.png', '7');
    const c = await run('n-c.png', '8');
    expect(a.equals(b)).to.equal(true);
    expect(a.equals(c)).to.equal(false);
    const { data: src } = await sharp(noise).raw().toBuffer({ resolveWithObject: true });
    const reg = await createCorruptionRegistry();
    const expected = await corruptImage({ data: new Uint8Array(src), height: 16, width: 16, channels: 3 }, reg.get('gaussian_noise'), 3, { seed: 7, index: 0 });
    expect([...a]).to.deep.equal([...expected.data]);
  });

  it('writes JPEG when --out ends in .jpg', async () => {
    const out = path.join(tmp, 'out.jpg');
    await cli(['--image', grey, '--corruption', 'contrast', '--severity', '2', '--out', out]);
    expect((await sharp(out).metadata()).format).to.equal('jpeg');
  });

  it('--dataset writes <index>_<label>.png for the first --limit test images and a manifest; image i uses stream i', async () => {
    const dir = path.join(tmp, 'ds');
    const printed = await cli(['--dataset', 'synthetic', '--corruption', 'shot_noise', '--severity', '4', '--limit', '5', '--seed', '3', '--out', dir]);
    expect(printed).to.equal(`${path.join(dir, 'manifest.json')}\n`);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ApplyManifest;
    const { test } = await loadDataset({ name: 'synthetic' }, { seed: 3 });
    const files = test.labels.subarray(0, 5).reduce<string[]>((acc, l, i) => [...acc, `${i}_${l}.png`], []);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([...files, 'manifest.json'].sort());
    expect(manifest).to.deep.include({
      corruption: 'shot_noise', version: 1, family: 'noise', source: 'built-in', severity: 4, table: 'cifar', parameters: 75,
      seed: 3, dataset: 'synthetic', split: 'test', count: 5, splitCount: test.count,
    });
    expect(manifest.images.map((e) => e.file)).to.deep.equal(files);
    const shot = (await createCorruptionRegistry()).get('shot_noise');
    const expected = await corruptImage(datasetImage(test, 3), shot, 4, { seed: 3, index: 3, table: 'cifar' });
    const written = await pixels(path.join(dir, files[3]));
    expect(written.channels).to.equal(1);
    expect([...written.data]).to.deep.equal([...expected.data]);
  });

  it('--dataset --threads 2 writes the same files as one thread (2,800 MNIST images: over the size that goes to the pool)', async function () {
    this.timeout(60_000);
    const files: Record<string, Buffer>[] = [];
    for (const threads of ['1', '2']) {
      const dir = path.join(tmp, `threads-${threads}`);
      await cli(['--dataset', 'mnist', '--corruption', 'contrast', '--severity', '2', '--limit', '2800', '--seed', '5', '--threads', threads, '--out', dir]);
      const names = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
      files.push(Object.fromEntries(names.map((f) => [f, fs.readFileSync(path.join(dir, f))])));
    }
    expect(Object.keys(files[0]).length).to.equal(2800);
    expect(Object.keys(files[1]).sort()).to.deep.equal(Object.keys(files[0]).sort());
    const differing = Object.keys(files[0]).filter((f) => !files[0][f].equals(files[1][f]));
    expect(differing, 'files whose bytes differ').to.deep.equal([]);
  });

  it('clear errors: missing or undecodable image, severity outside 1..5, unknown corruption, bad flag combinations', async () => {
    const missing = path.join(tmp, 'nope.png');
    let e = await rejects(cli(['--image', missing, '--corruption', 'fog', '--severity', '1', '--out', path.join(tmp, 'x.png')]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(`--image ${missing}: file not found`);

    const junk = path.join(tmp, 'junk.png');
    fs.writeFileSync(junk, 'this is not a PNG');
    e = await rejects(cli(['--image', junk, '--corruption', 'fog', '--severity', '1', '--out', path.join(tmp, 'x.png')]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal(`--image ${junk}: cannot decode as an image: Input file contains unsupported image format`);

    for (const s of ['0', '6', '2.5', 'high']) {
      e = await rejects(cli(['--image', grey, '--corruption', 'fog', '--severity', s, '--out', path.join(tmp, 'x.png')]));
      expect(e).to.be.instanceOf(HarnessInputError);
      expect(e.message).to.equal(`--severity must be an integer 1..5, got '${s}'`);
    }

    e = await rejects(cli(['--image', grey, '--corruption', 'birghtness', '--severity', '1', '--out', path.join(tmp, 'x.png')]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.match(/^unknown corruption 'birghtness'\. Did you mean brightness\? Available: gaussian_noise, shot_noise, /);

    e = await rejects(cli(['--corruption', 'fog', '--severity', '1', '--out', path.join(tmp, 'x.png')]));
    expect(e.message).to.equal('corruptions apply needs exactly one of --image FILE or --dataset NAME');
    e = await rejects(cli(['--image', grey, '--dataset', 'synthetic', '--corruption', 'fog', '--severity', '1', '--out', tmp]));
    expect(e.message).to.equal('corruptions apply needs exactly one of --image FILE or --dataset NAME');
    e = await rejects(cli(['--image', grey, '--limit', '3', '--corruption', 'fog', '--severity', '1', '--out', path.join(tmp, 'x.png')]));
    expect(e.message).to.equal('--limit applies to --dataset only');
    e = await rejects(cli(['--dataset', 'mnsit', '--corruption', 'fog', '--severity', '1', '--out', tmp]));
    expect(e.message).to.match(/^unknown dataset 'mnsit'\. Did you mean mnist\?/);
    e = await rejects(cli(['--dataset', 'synthetic', '--corruption', 'fog', '--severity', '1', '--out', grey]));
    expect(e.message).to.equal(`--out ${grey}: exists and is not a directory (with --dataset, --out is the folder to write)`);
    expect(fs.existsSync(path.join(tmp, 'x.png'))).to.equal(false);
  });
});
