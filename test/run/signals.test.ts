/**
 * Issue 17, item 4: SIGTERM or SIGINT stop a run at a checkpoint within seconds, print how to resume and exit with
 * 143 or 130; the resumed run ends with the uninterrupted scorecard; a second signal exits at once. Real child
 * processes (node + tsx, no npx in between, so the signal reaches the harness) and real signals.
 */
import { expect } from 'chai';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { comparableScorecard as comparable } from '../support/capture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Long enough (several seconds of training per model on wasm) that a signal lands mid-training. */
const CONFIG = {
  preset: 'smoke',
  backend: 'wasm',
  seed: 2,
  data: { dataset: 'synthetic', imageSize: 16, syntheticTrainCount: 3000, syntheticTestCount: 100, validationCount: 100 },
  model: { patchSize: 4, dim: 32, depth: 2, heads: 2, mlpDim: 64 },
  models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
  train: { epochs: 4, batchSize: 32, checkpointEverySteps: 10 },
  suites: ['calibration'],
};

interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** `group`: the run leads its own process group, as a shell's foreground job does (a terminal's Ctrl-C goes to all of it). */
function start(args: string[], group = false): { child: ChildProcess; done: Promise<Exit>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done, stderr: () => stderr };
}

async function waitFor(ready: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live (not zombie) processes whose command line mentions `text` (Linux /proc; an empty list elsewhere). */
function processesMentioning(text: string): string[] {
  if (!fs.existsSync('/proc/self/cmdline')) return [];
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
      if (cmd.includes(text) && state !== 'Z') found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('signals: SIGTERM / SIGINT during a run', function () {
  this.timeout(300_000);
  let tmp: string;
  const running: ChildProcess[] = [];
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-signal-'))));
  /** A run of CONFIG into tmp/<name>, started (leading its own process group when `group`) and in its first epoch of training. */
  async function trainingRun(name: string, group = false) {
    const cfg = path.join(tmp, 'run.json');
    fs.writeFileSync(cfg, JSON.stringify(CONFIG));
    const dir = path.join(tmp, name);
    const run = start(['run', '--config', cfg, '--out', dir], group);
    running.push(run.child);
    await waitFor(() => /\[vanilla\] epoch 1\/4/.test(run.stderr()), 'the first epoch of training');
    return { cfg, dir, run };
  }
  afterEach(() => {
    for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // a run exited at once by a second signal leaves its training children to finish their checkpoint (up to 5 s)
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 100, retryDelay: 100 });
  });

  it('SIGTERM mid-training: a checkpoint, the resume line, exit 143; resumed, the uninterrupted scorecard', async () => {
    const { cfg, dir, run } = await trainingRun('stopped');
    const t0 = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.done;
    expect(Date.now() - t0, 'seconds to stop').to.be.below(5_000);
    expect(exit.code, exit.stderr).to.equal(143);
    expect(exit.stderr.trimEnd().split('\n').pop()).to.equal(`interrupted; resume with: topk-harness run --resume ${dir}`);
    expect(fs.existsSync(path.join(dir, 'checkpoints', 'vanilla.ckpt'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'scorecard.json'))).to.equal(false);
    expect(fs.existsSync(path.join(dir, '.lock'))).to.equal(false); // the lock went with the process

    const resumed = start(['run', '--resume', dir, '--quiet']);
    running.push(resumed.child);
    const straight = start(['run', '--config', cfg, '--out', path.join(tmp, 'straight'), '--quiet']);
    running.push(straight.child);
    const [a, b] = await Promise.all([resumed.done, straight.done]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    expect(comparable(path.join(dir, 'scorecard.json'))).to.deep.equal(comparable(path.join(tmp, 'straight', 'scorecard.json')));
  });

  it('a second SIGINT exits at once with 130', async () => {
    const { dir, run } = await trainingRun('twice');
    run.child.kill('SIGINT');
    await waitFor(() => /SIGINT: stopping/.test(run.stderr()), 'the first signal to be seen');
    run.child.kill('SIGINT');
    const exit = await run.done;
    expect(exit.code, exit.stderr).to.equal(130);
    expect(exit.stderr).to.contain(`interrupted; resume with: topk-harness run --resume ${dir}`);
    // the training children (wasm: one per model) got the second signal too, and the run waited for them
    expect(processesMentioning(dir)).to.deep.equal([]);
  });

  it('two signals in quick succession (before the stop reached the children) still leave no child behind', async () => {
    const { dir, run } = await trainingRun('quick-twice');
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    const exit = await run.done;
    expect(exit.code, exit.stderr).to.equal(130);
    expect(processesMentioning(dir)).to.deep.equal([]);
  });

  it('a Ctrl-C to the whole process group stops the training children once, at a checkpoint, and leaves none behind', async () => {
    const { dir, run } = await trainingRun('group', true);
    process.kill(-run.child.pid!, 'SIGINT'); // what a terminal does: every process of the foreground group
    const exit = await run.done;
    expect(exit.code, exit.stderr).to.equal(130);
    // a child that saw the terminal's signal and the parent's would have exited at once, without its checkpoint
    expect(exit.stderr).not.to.contain('again: exiting now');
    expect(exit.stderr.trimEnd().split('\n').pop()).to.equal(`interrupted; resume with: topk-harness run --resume ${dir}`);
    expect(fs.existsSync(path.join(dir, 'checkpoints', 'vanilla.ckpt'))).to.equal(true);
    expect(processesMentioning(dir)).to.deep.equal([]);
  });
});
