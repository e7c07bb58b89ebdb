/**
 * Issue 17, items 1 and 6, end to end: a run that fills its disk stops with one line naming the file and how to
 * resume, leaves no temporary file and loses nothing finished, and once space is freed `--resume` ends with the
 * uninterrupted scorecard; `corrupt --out` into a directory, a read-only mount or an immutable file fails in one line
 * before any work, leaving nothing behind. Real small tmpfs mounts (root); skipped with the reason where mount or
 * chattr are refused.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { main } from '../../src/cli/main.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { captureStderr, comparableScorecard as comparable } from '../support/capture.js';


async function cli(args: string[]): Promise<{ code: number; errors: string[] }> {
  const err = captureStderr();
  try {
    const code = await main(['node', 'topk-harness', ...args]);
    return { code, errors: err.text().split('\n').filter((l) => l.startsWith('error:')) };
  } finally {
    err.restore();
  }
}

function tryExec(cmd: string, args: string[]): string | null {
  try {
    execFileSync(cmd, args, { stdio: 'pipe' });
    return null;
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n')[0] || String(e);
  }
}

/** Every file under dir, relative. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}


const CONFIG = {
  preset: 'smoke',
  backend: 'wasm',
  seed: 4,
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 100 },
  model: { patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
  train: { epochs: 2, batchSize: 50 },
  suites: ['calibration'],
};

describe('faults: a full disk and unwritable outputs', function () {
  this.timeout(180_000);
  let tmp: string;
  const mounts: string[] = [];
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-faults-'))));
  afterEach(() => {
    for (const m of mounts.splice(0)) tryExec('umount', [m]);
    tryExec('chattr', ['-R', '-i', tmp]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a run on a full disk: one line, no temporary file, nothing finished lost; resumed after freeing space, the uninterrupted scorecard', async function () {
    const cfg = path.join(tmp, 'run.json');
    fs.writeFileSync(cfg, JSON.stringify(CONFIG));
    const straight = path.join(tmp, 'straight');
    expect((await cli(['run', '--config', cfg, '--out', straight, '--quiet'])).code).to.equal(0);
    // a disk that holds the first model's checkpoint (and its temporary copy while writing) but not the second's
    const ckptBytes = fs.statSync(path.join(straight, 'checkpoints', 'vanilla.ckpt')).size;
    const disk = path.join(tmp, 'disk');
    fs.mkdirSync(disk);
    const refused = tryExec('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil((ckptBytes * 1.5) / 4096) * 4096}`, 'tmpfs', disk]);
    if (refused !== null) {
      console.log(`      (skipped: cannot mount a tmpfs: ${refused})`);
      this.skip();
    }
    mounts.push(disk);
    const dir = path.join(disk, 'run');
    const full = await cli(['run', '--config', cfg, '--out', dir, '--quiet']);
    expect(full.code).to.equal(2);
    expect(full.errors).to.have.length(1);
    expect(full.errors[0]).to.match(new RegExp(`^error: no space left on device while writing ${dir}/\\S+ \\(free some space, then resume with: topk-harness run --resume ${dir}\\)$`));
    const left = files(dir);
    expect(left.filter((f) => f.endsWith('.tmp')), 'temporary files').to.deep.equal([]);
    // every checkpoint there is whole (the ones being written when the disk filled are not there at all)
    for (const f of left.filter((x) => x.endsWith('.ckpt'))) expect(loadCheckpoint(path.join(dir, f)).verified, f).to.equal(true);

    expect(tryExec('mount', ['-o', 'remount,size=64m', disk])).to.equal(null);
    const resumed = await cli(['run', '--resume', dir, '--quiet']);
    expect(resumed.code, resumed.errors.join('\n')).to.equal(0);
    expect(comparable(path.join(dir, 'scorecard.json'))).to.deep.equal(comparable(path.join(straight, 'scorecard.json')));
  });

  it('corrupt --out: a directory, a read-only mount, an immutable file: one line each, before any work, nothing left', async function () {
    const image = path.join(tmp, 'in.png');
    await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 120, g: 60, b: 200 } } }).png().toFile(image);
    const base = ['corrupt', '--image', image, '--corruption', 'gaussian_noise', '--severity', '3'];

    const asDir = path.join(tmp, 'a-folder');
    fs.mkdirSync(asDir);
    const r1 = await cli([...base, '--out', asDir]);
    expect(r1.code).to.equal(2);
    expect(r1.errors).to.deep.equal([`error: ${asDir} is a directory; give a file name`]);
    expect(fs.readdirSync(asDir)).to.deep.equal([]);

    const ro = path.join(tmp, 'ro');
    fs.mkdirSync(ro);
    const refused = tryExec('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro]);
    if (refused === null) {
      mounts.push(ro);
      const r2 = await cli([...base, '--out', path.join(ro, 'out.png')]);
      expect(r2.code).to.equal(2);
      expect(r2.errors).to.deep.equal([`error: read-only file system: cannot write ${path.join(ro, 'out.png')}`]);
      expect(fs.readdirSync(ro)).to.deep.equal([]);
    } else {
      console.log(`      (read-only case skipped: cannot mount a tmpfs: ${refused})`);
    }

    const frozen = path.join(tmp, 'frozen.png');
    fs.writeFileSync(frozen, 'old');
    const noChattr = tryExec('chattr', ['+i', frozen]);
    if (noChattr === null) {
      const r3 = await cli([...base, '--out', frozen]);
      expect(r3.code).to.equal(2);
      expect(r3.errors).to.deep.equal([`error: permission denied writing ${frozen}`]);
      expect(fs.readFileSync(frozen, 'utf8')).to.equal('old');
      expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    } else {
      console.log(`      (immutable-file case skipped: chattr refused: ${noChattr})`);
    }
  });
});
