/**
 * snow and spatter against the reference itself: their random layers go through long pipelines (zoom, threshold,
 * ImageMagick's motion blur; Canny, chamfer distance, histogram equalisation), so instead of a closed form the
 * reference code (corruptions_peer.py beside the repository, which vendors make_cifar_c.py and imagecorruptions) is
 * run through python3 (test/corruptions/reference-stats.py) on constant-gray images, and per-image statistics of
 * the harness's output must match the reference's within sampling error (Welch z below 4.5):
 *   - the mean output byte;
 *   - the share of pixels the layer touched: for spatter, pixels that differ from the input; for snow, pixels above
 *     the no-snow value trunc(255·(blend·x + (1 − blend)·max(x, 1.5·x + 0.5))).
 * CIFAR-10-C (32 px) runs make_cifar_c.py, ImageMagick included; ImageNet-C (64 px) runs imagecorruptions (whose
 * snow ports ImageMagick's motion blur to numpy). Skipped when the peer file, python3 or one of its modules
 * (numpy, scipy, scikit-image, OpenCV, Pillow, Wand) is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Corruption, Severity, SeverityTable } from '../../src/corruptions/define.js';
import { corruptImage, corruptionStream } from '../../src/corruptions/apply.js';
import type { SnowParams } from '../../corruptions/snow.js';
import type { SpatterParams } from '../../corruptions/spatter.js';
import { BUILTIN_CORRUPTIONS } from '../support/builtin-corruptions.js';
import { expectSameMean } from './sampling.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PEER = process.env.TOPK_CORRUPTIONS_PEER ?? path.resolve(HERE, '..', '..', '..', 'shared', 'peer', 'corruptions_peer.py');
const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const IMAGES = 40;

interface Job { corruption: 'snow' | 'spatter'; table: SeverityTable; size: number; gray: number }
const JOBS: Job[] = [
  { corruption: 'snow', table: 'cifar', size: 32, gray: 64 },
  { corruption: 'snow', table: 'imagenet', size: 64, gray: 64 },
  { corruption: 'spatter', table: 'cifar', size: 32, gray: 128 },
  { corruption: 'spatter', table: 'imagenet', size: 64, gray: 128 },
];

const byName = (name: string) => BUILTIN_CORRUPTIONS.find((c) => c.name === name)!;

/** The byte a gray pixel gets from snow's brightening alone (no snow on it). */
function snowBase(gray: number, blend: number): number {
  const x = gray / 255;
  const v = 255 * (blend * x + (1 - blend) * Math.max(x, 1.5 * x + 0.5));
  expect(Math.abs(v - Math.round(v)), 'no-snow value far from a byte boundary').to.be.above(0.01); // float32 vs float64 agree
  return Math.floor(v);
}

function base(job: Job, s: Severity): number {
  return job.corruption === 'snow' ? snowBase(job.gray, (byName('snow').params(s, job.table) as SnowParams).blend) : job.gray;
}

/** Per image: [mean byte, touched share], as reference-stats.py computes them. */
async function harnessStats<P>(job: Job, s: Severity, params?: P): Promise<number[][]> {
  const c = byName(job.corruption) as Corruption<P>;
  const b = base(job, s);
  const rows: number[][] = [];
  for (let i = 0; i < IMAGES; i++) {
    const image = { data: new Uint8Array(job.size * job.size * 3).fill(job.gray), height: job.size, width: job.size, channels: 3 as const };
    const out = params === undefined
      ? (await corruptImage(image, c, s, { seed: 9, index: i, table: job.table })).data
      : (await c.apply(image, { severity: s, table: job.table, rng: corruptionStream(9, c, s, i), params })).data;
    let sum = 0;
    let touched = 0;
    for (let p = 0; p < job.size * job.size; p++) {
      const o = p * 3; // HWC
      sum += out[o] + out[o + 1] + out[o + 2];
      if (out[o] !== b || out[o + 1] !== b || out[o + 2] !== b) touched++;
    }
    rows.push([sum / out.length, touched / (job.size * job.size)]);
  }
  return rows;
}

function expectSameStats(harness: number[][], reference: number[][], what: string): void {
  expectSameMean(harness.map((r) => r[0]), reference.map((r) => r[0]), `${what}: mean byte`);
  expectSameMean(harness.map((r) => r[1]), reference.map((r) => r[1]), `${what}: touched share`);
}

/** The reference's statistics per job and severity, or why they are unavailable. */
function runReference(): { stats: Record<string, number[][]>[] } | { skip: string } {
  if (!existsSync(PEER)) return { skip: `no reference peer at ${PEER}` };
  const jobs = JOBS.map((j) => ({ ...j, images: IMAGES, severities: SEVERITIES, base: Object.fromEntries(SEVERITIES.map((s) => [s, base(j, s)])) }));
  for (const python of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(python, [path.join(HERE, 'reference-stats.py'), PEER, JSON.stringify(jobs)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.error !== undefined || r.status === 3) continue; // no such python, or a module missing: try the next one
    if (r.status !== 0) throw new Error(`reference-stats.py failed: ${r.stderr}`);
    return { stats: JSON.parse(r.stdout) };
  }
  return { skip: 'no python3 with numpy, scipy, scikit-image, OpenCV, Pillow and Wand' };
}

describe('snow and spatter match the reference code\'s statistics (python3, constant-gray images)', function () {
  let reference: Record<string, number[][]>[] = [];
  before(function () {
    this.timeout(120_000);
    const r = runReference();
    if ('skip' in r) {
      console.log(`      (skipped: ${r.skip})`);
      this.skip();
    } else reference = r.stats;
  });

  JOBS.forEach((job, j) => {
    it(`${job.corruption}, ${job.table} table, ${job.size} px: mean byte and touched share, severities 1-5`, async () => {
      for (const s of SEVERITIES) expectSameStats(await harnessStats(job, s), reference[j][s], `${job.table} severity ${s}`);
    });
  });

  it('the checks can fail: snow with its threshold 0.05 lower, spatter with its threshold 0.02 lower are refused', async () => {
    const snow = byName('snow').params(3, 'cifar') as SnowParams;
    const wetter = await harnessStats<SnowParams>(JOBS[0], 3, { ...snow, threshold: snow.threshold - 0.05 });
    expect(() => expectSameStats(wetter, reference[0][3], 'snow')).to.throw(/snow/);
    const spatter = byName('spatter').params(3, 'cifar') as SpatterParams;
    const muddier = await harnessStats<SpatterParams>(JOBS[2], 3, { ...spatter, threshold: spatter.threshold - 0.02 });
    expect(() => expectSameStats(muddier, reference[2][3], 'spatter')).to.throw(/spatter/);
  });
});
