/**
 * `topk-harness corrupt` (the interface; `corruptions apply` is the same command under a second name) and
 * `corruptions preview --image`. Small PNGs are written with sharp into a temp folder; the program is built here
 * with registerCorruptionsCommand (main.ts calls the same function) and output is captured through configureOutput.
 */
import { expect } from 'chai';
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { registerCorruptionsCommand } from '../../src/cli/corruptions-command.js';
import type { ApplyManifest } from '../../src/cli/corruptions-actions.js';
import { BENCHMARK_CORRUPTIONS, corruptImage, createCorruptionRegistry, datasetImage } from '../../src/corruptions/index.js';
import { loadDataset } from '../../src/data/load.js';
import { HarnessInputError } from '../../src/errors.js';

function program(): { program: Command; out: () => string } {
  let out = '';
  const p = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: () => {} });
  registerCorruptionsCommand(p);
  return { program: p, out: () => out };
}

async function cli(args: string[]): Promise<string> {
  const { program: p, out } = program();
  await p.parseAsync(['node', 'topk-harness', ...args]);
  return out();
}

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Decoded pixels of a written file in the channel count it stores. */
async function pixels(file: string): Promise<{ data: Buffer; channels: number; width: number; height: number }> {
  const meta = await sharp(file).metadata();
  const { data, info } = await sharp(file).toColourspace(meta.channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, channels: info.channels, width: info.width, height: info.height };
}

describe('corrupt (and its alias corruptions apply)', function () {
  this.timeout(120_000);
  let tmp: string;
  let grey: string; // 8x8 RGB, every pixel (100, 100, 100)
  let pattern: string; // 16x16 RGB pattern

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-corrupt-'));
    grey = path.join(tmp, 'grey.png');
    await sharp(Buffer.alloc(8 * 8 * 3, 100), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(grey);
    pattern = path.join(tmp, 'pattern.png');
    await sharp(Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256)), { raw: { width: 16, height: 16, channels: 3 } })
      .png().toFile(pattern);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('corrupt --image ... --out out.png: the issue form; the hand-computed brightness value; --table and --seed', async () => {
    // ImageNet table, c = 0.5: 100 + 127.5 = 227.5 → 227; CIFAR (auto for 8 px), c = 0.3: 100 + 76.5 → 176
    const out = path.join(tmp, 'bright.png');
    expect(await cli(['corrupt', '--image', grey, '--corruption', 'brightness', '--severity', '5', '--table', 'imagenet', '--seed', '4', '--out', out]))
      .to.equal(`${out}\n`);
    const im = await pixels(out);
    expect([im.channels, im.width, im.height]).to.deep.equal([3, 8, 8]);
    expect([...new Set(im.data)]).to.deep.equal([227]);
    await cli(['corrupt', '--image', grey, '--corruption', 'brightness', '--severity', '5', '--out', out]);
    expect([...new Set((await pixels(out)).data)]).to.deep.equal([176]);
  });

  it('corrupt and corruptions apply give the same bytes (one action), equal to corruptImage with stream 0', async () => {
    const a = path.join(tmp, 'a.png');
    const b = path.join(tmp, 'b.png');
    await cli(['corrupt', '--image', pattern, '--corruption', 'impulse_noise', '--severity', '4', '--seed', '9', '--out', a]);
    await cli(['corruptions', 'apply', '--image', pattern, '--corruption', 'impulse_noise', '--severity', '4', '--seed', '9', '--out', b]);
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(true);
    const { data } = await sharp(pattern).raw().toBuffer({ resolveWithObject: true });
    const reg = await createCorruptionRegistry();
    const expected = await corruptImage({ data: new Uint8Array(data), height: 16, width: 16, channels: 3 }, reg.get('impulse_noise'), 4, { seed: 9, index: 0 });
    expect([...(await pixels(a)).data]).to.deep.equal([...expected.data]);
  });

  it('both names have the same options', () => {
    const { program: p } = program();
    const flags = (c: Command) => c.options.map((o) => o.flags);
    const corrupt = p.commands.find((c) => c.name() === 'corrupt')!;
    const apply = p.commands.find((c) => c.name() === 'corruptions')!.commands.find((c) => c.name() === 'apply')!;
    expect(flags(corrupt)).to.deep.equal(flags(apply));
    expect(flags(corrupt)).to.include.members(['--image <file>', '--dataset <name>', '--split <split>', '--corruption <name>', '--severity <s>', '--table <table>', '--seed <n>', '-o, --out <path>']);
  });

  it('corrupt --dataset --split test --out DIR without --corruption: the 15 benchmark corruptions x severities 1-5, with a manifest', async () => {
    const dir = path.join(tmp, 'all');
    expect(await cli(['corrupt', '--dataset', 'synthetic', '--split', 'test', '--limit', '2', '--seed', '5', '--out', dir]))
      .to.equal(`${path.join(dir, 'manifest.json')}\n`);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ApplyManifest;
    const { test } = await loadDataset({ name: 'synthetic' }, { seed: 5 });
    expect(m).to.deep.include({ severities: [1, 2, 3, 4, 5], table: 'cifar', seed: 5, dataset: 'synthetic', split: 'test', count: 2, splitCount: test.count });
    expect(m).not.to.have.any.keys('corruption', 'severity', 'parameters');
    expect(m.corruptions.map((c) => c.name)).to.deep.equal([...BENCHMARK_CORRUPTIONS]);
    expect(m.corruptions[0]).to.deep.equal({
      name: 'gaussian_noise', version: 2, family: 'noise', source: 'built-in', parameters: { 1: 0.04, 2: 0.06, 3: 0.08, 4: 0.09, 5: 0.1 },
    });
    expect(m.images).to.have.length(15 * 5 * 2);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([...BENCHMARK_CORRUPTIONS, 'manifest.json'].sort());
    expect(fs.readdirSync(path.join(dir, 'fog')).sort()).to.deep.equal(['1', '2', '3', '4', '5']);
    const entry = m.images.find((e) => e.corruption === 'fog' && e.severity === 4 && e.index === 1)!;
    expect(entry).to.deep.equal({ file: `fog/4/1_${test.labels[1]}.png`, corruption: 'fog', severity: 4, index: 1, label: test.labels[1], seed: 5 });
    const fog = (await createCorruptionRegistry()).get('fog');
    const expected = await corruptImage(datasetImage(test, 1), fog, 4, { seed: 5, index: 1, table: 'cifar' });
    const written = await pixels(path.join(dir, entry.file));
    expect(written.channels).to.equal(1);
    expect([...written.data]).to.deep.equal([...expected.data]);
  });

  it('--split train corrupts train images; --corruption repeatable and --severity as a list select the pairs', async () => {
    const dir = path.join(tmp, 'train');
    await cli(['corrupt', '--dataset', 'synthetic', '--split', 'train', '--corruption', 'contrast', '--corruption', 'shot_noise',
      '--severity', '1,3', '--limit', '3', '--out', dir]);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ApplyManifest;
    const { train } = await loadDataset({ name: 'synthetic' }, { seed: 0 });
    expect(m).to.deep.include({ split: 'train', splitCount: train.count, count: 3, severities: [1, 3], seed: 0 });
    expect(m.corruptions.map((c) => [c.name, c.parameters])).to.deep.equal([['contrast', { 1: 0.75, 3: 0.4 }], ['shot_noise', { 1: 500, 3: 100 }]]);
    expect(m.images.map((e) => `${e.corruption}@${e.severity}#${e.index}`)).to.deep.equal(
      ['contrast', 'shot_noise'].flatMap((c) => [1, 3].flatMap((s) => [0, 1, 2].map((i) => `${c}@${s}#${i}`))),
    );
    const shot = (await createCorruptionRegistry()).get('shot_noise');
    const expected = await corruptImage(datasetImage(train, 2), shot, 3, { seed: 0, index: 2, table: 'cifar' });
    expect([...(await pixels(path.join(dir, `shot_noise/3/2_${train.labels[2]}.png`))).data]).to.deep.equal([...expected.data]);
  });

  it('one corruption at one severity keeps the flat layout and the single-pair manifest fields', async () => {
    const dir = path.join(tmp, 'flat');
    await cli(['corrupt', '--dataset', 'synthetic', '--corruption', 'pixelate', '--severity', '2', '--limit', '2', '--out', dir]);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ApplyManifest;
    expect(m).to.deep.include({ corruption: 'pixelate', severity: 2, parameters: 0.9, split: 'test', severities: [2] });
    expect(m.images.map((e) => e.file)).to.deep.equal(m.images.map((e) => `${e.index}_${e.label}.png`));
    expect(m.images[1]).to.include({ corruption: 'pixelate', severity: 2, index: 1, seed: 0 });
  });

  it('clear errors for the new flag combinations', async () => {
    const x = path.join(tmp, 'x.png');
    let e = await rejects(cli(['corrupt', '--corruption', 'fog', '--severity', '1', '--out', x]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal('corrupt needs exactly one of --image FILE or --dataset NAME');
    e = await rejects(cli(['corrupt', '--image', grey, '--split', 'train', '--corruption', 'fog', '--severity', '1', '--out', x]));
    expect(e.message).to.equal('--split applies to --dataset only');
    e = await rejects(cli(['corrupt', '--image', grey, '--corruption', 'fog', '--corruption', 'frost', '--severity', '1', '--out', x]));
    expect(e.message).to.equal('--image needs exactly one --corruption NAME');
    e = await rejects(cli(['corrupt', '--image', grey, '--severity', '1', '--out', x]));
    expect(e.message).to.equal('--image needs exactly one --corruption NAME');
    e = await rejects(cli(['corrupt', '--image', grey, '--corruption', 'fog', '--out', x]));
    expect(e.message).to.equal('--image needs exactly one --severity S (1..5)');
    e = await rejects(cli(['corrupt', '--image', grey, '--corruption', 'fog', '--severity', '1,2', '--out', x]));
    expect(e.message).to.equal('--image needs exactly one --severity S (1..5)');
    e = await rejects(cli(['corrupt', '--dataset', 'synthetic', '--severity', '1,6', '--out', tmp]));
    expect(e.message).to.equal("--severity must be an integer 1..5, got '1,6'");
    e = await rejects(cli(['corrupt', '--dataset', 'synthetic', '--split', 'val', '--out', tmp]));
    expect(e.message).to.equal("error: option '--split <split>' argument 'val' is invalid. Allowed choices are test, train.");
    e = await rejects(cli(['corrupt', '--dataset', 'synthetic', '--corruption', 'zoom_blurr', '--out', tmp]));
    expect(e.message).to.match(/^unknown corruption 'zoom_blurr'\. Did you mean zoom_blur\?/);
    expect(fs.existsSync(x)).to.equal(false);
  });
});

describe('corruptions preview --image', function () {
  this.timeout(120_000);
  let tmp: string;
  let small: string; // 16x16 RGB

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-preview-image-'));
    small = path.join(tmp, 'small.png');
    await sharp(Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 53) % 256)), { raw: { width: 16, height: 16, channels: 3 } })
      .png().toFile(small);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes a labelled grid of every corruption at severities 1-5 for one image file', async () => {
    const out = path.join(tmp, 'grid.png');
    expect(await cli(['corruptions', 'preview', '--image', small, '--out', out])).to.equal(`${out}\n`);
    const meta = await sharp(out).metadata();
    expect(meta.format).to.equal('png');
    // 19 corruptions x 1 image = 19 rows of 96-px cells (16 px x 6) under a 26-px header; label column 170 px,
    // then clean + 5 severities
    expect(meta.height).to.equal(26 + 19 * (96 + 4) + 4);
    expect(meta.width).to.equal(170 + 6 * (96 + 4) + 4);
  });

  it('the clean cell is the image itself; --corruption and --severities narrow the grid', async () => {
    const out = path.join(tmp, 'one.png');
    await cli(['corruptions', 'preview', '--image', small, '--corruption', 'contrast', '--severities', '2,4', '--out', out]);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).to.deep.equal([170 + 3 * 100 + 4, 26 + 100 + 4]);
    // top-left pixel of the clean cell (label column, header) = the image's first pixel
    const { data } = await sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (26 * meta.width! + 170) * 3;
    expect([...data.subarray(at, at + 3)]).to.deep.equal([0, 53, 106]);
  });

  it('needs exactly one of --image or --dataset; --count is for --dataset', async () => {
    const out = path.join(tmp, 'bad.png');
    let e = await rejects(cli(['corruptions', 'preview', '--out', out]));
    expect(e).to.be.instanceOf(HarnessInputError);
    expect(e.message).to.equal('corruptions preview needs exactly one of --image FILE or --dataset NAME');
    e = await rejects(cli(['corruptions', 'preview', '--image', small, '--dataset', 'synthetic', '--out', out]));
    expect(e.message).to.equal('corruptions preview needs exactly one of --image FILE or --dataset NAME');
    e = await rejects(cli(['corruptions', 'preview', '--image', small, '--count', '2', '--out', out]));
    expect(e.message).to.equal('--count applies to --dataset only');
    e = await rejects(cli(['corruptions', 'preview', '--image', path.join(tmp, 'missing.png'), '--out', out]));
    expect(e.message).to.equal(`--image ${path.join(tmp, 'missing.png')}: file not found`);
    expect(fs.existsSync(out)).to.equal(false);
  });
});
