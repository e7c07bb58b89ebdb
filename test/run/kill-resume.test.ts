/**
 * Kill and resume: a multi-seed `run` killed with SIGKILL after its first seed finished (in the middle of the second
 * seed's training, once that has a checkpoint), then rerun with `--resume <dir>`, skips the finished seed, continues
 * the interrupted one from its checkpoint, and ends with the same scorecard as an uninterrupted run of the same
 * command (timings, provenance and runId aside).
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { comparableScorecard } from '../support/capture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Tiny synthetic multi-seed run; checkpoints every 2 steps so that a killed seed has something to resume from. */
const CONFIG = {
  preset: 'smoke',
  backend: 'wasm',
  seeds: [3, 4, 5],
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 400, syntheticTestCount: 100, validationCount: 50 },
  model: { patchSize: 8, dim: 16, depth: 1, heads: 2, mlpDim: 32 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 4 }],
  train: { epochs: 2, batchSize: 50, checkpointEverySteps: 2 },
  suites: [],
};

/** `npx tsx api/cli.ts ...` in its own process group (npx and tsx start child processes: kill them all). */
function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  // TOPK_WORKERS=1: seeds one after the other, so that the kill lands after the first (parallel-seeds.test.ts
  // interrupts seeds running side by side)
  const env = { ...process.env, TOPK_WORKERS: '1' };
  const child = spawn('npx', ['tsx', 'api/cli.ts', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}


describe('kill -9 and --resume', function () {
  this.timeout(60_000);
  let tmp: string;
  const running: ChildProcess[] = [];
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-kill-'))));
  afterEach(() => {
    for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) killGroup(c);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a run killed after its first seed, resumed, ends with the scorecard of an uninterrupted run', async () => {
    const cfg = path.join(tmp, 'run.json');
    fs.writeFileSync(cfg, JSON.stringify(CONFIG));
    const dir = path.join(tmp, 'killed');
    const firstSeed = path.join(dir, 'seed-3', 'scorecard.json');

    const first = start(['run', '--config', cfg, '--out', dir, '--quiet']);
    running.push(first.child);
    let exited = false;
    void first.done.then(() => (exited = true));
    const deadline = Date.now() + 30_000;
    const waitFor = async (ready: () => boolean, what: string) => {
      while (!ready()) {
        if (exited) throw new Error(`the run ended before ${what}:\n${(await first.done).stderr}`);
        if (Date.now() > deadline) throw new Error(`no ${what} within 30 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await waitFor(() => fs.existsSync(firstSeed), 'scorecard of the first seed');
    // kill in the middle of the second seed's training, once it has written a checkpoint to resume from
    const ckpts = path.join(dir, 'seed-4', 'checkpoints');
    await waitFor(() => fs.existsSync(ckpts) && fs.readdirSync(ckpts).some((f) => f.endsWith('.ckpt')), 'checkpoint of the second seed');
    killGroup(first.child);
    const killed = await first.done;
    expect(killed.signal).to.equal('SIGKILL');
    expect(fs.existsSync(path.join(dir, 'scorecard.json')), 'the kill came after the end of the run').to.equal(false);
    expect(fs.existsSync(path.join(dir, 'seed-4', 'scorecard.json')), 'the second seed finished before the kill').to.equal(false);
    const seed3 = fs.readFileSync(firstSeed, 'utf8');
    const seed3Mtime = fs.statSync(firstSeed).mtimeMs;

    const resumed = start(['run', '--resume', dir, '--quiet']);
    running.push(resumed.child);
    const r = await resumed.done;
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal(path.join(dir, 'scorecard.json'));
    // the finished seed was skipped, not recomputed
    expect(fs.readFileSync(firstSeed, 'utf8')).to.equal(seed3);
    expect(fs.statSync(firstSeed).mtimeMs).to.equal(seed3Mtime);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);

    const whole = path.join(tmp, 'whole');
    const u = start(['run', '--config', cfg, '--out', whole, '--quiet']);
    running.push(u.child);
    const w = await u.done;
    expect(w.code, w.stderr).to.equal(0);

    expect(comparableScorecard(path.join(dir, 'scorecard.json'))).to.deep.equal(comparableScorecard(path.join(whole, 'scorecard.json')));
    for (const s of CONFIG.seeds) {
      expect(comparableScorecard(path.join(dir, `seed-${s}`, 'scorecard.json')), `seed ${s}`).to.deep.equal(comparableScorecard(path.join(whole, `seed-${s}`, 'scorecard.json')));
    }
  });
});
