/**
 * oneDNN 2.x's JIT GEMM kernels point rsp into the heap while they run, so a signal handled meanwhile on that thread
 * corrupts the heap (oneDNN #4845); native/src/mm.cc defers signals around each product. Before it did, `node
 * --cpu-prof` aborted on the first [2048,256]·[256,64] product ("corrupted size vs. prev_size while consolidating").
 * Here a child process multiplies under the sampling profiler (SIGPROF to the JS thread every 100 us) while this
 * process sends it SIGUSR2 (a process-wide signal that can land on a pool worker) every few milliseconds.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonBuilt } from './helpers.js';

const script = fileURLToPath(new URL('../fixtures/native/products-under-signals.ts', import.meta.url));

function runUnderSignals(threads: number): Promise<{ code: number | null; signal: string | null; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-signals-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir, '--import', 'tsx', script, String(threads)], {
      env: { ...process.env, TOPK_LIBTORCH_GEMM: 'onednn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ok ')) clearInterval(timer);
      // once its handler is installed (SIGUSR2's default action ends a process)
      else timer ??= out.includes('ready\n')
        ? setInterval(() => {
            if (child.exitCode === null) child.kill('SIGUSR2');
          }, 3)
        : undefined;
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, out });
    });
  });
}

describe('libtorch backend: products while signals arrive', function () {
  this.timeout(120_000);
  before(function () {
    if (!addonBuilt) this.skip();
  });

  for (const threads of [1, 2]) {
    it(`${threads} thread${threads === 1 ? '' : 's'}: every product finishes under the sampling profiler and SIGUSR2`, async () => {
      const r = await runUnderSignals(threads);
      expect(r.signal, r.out).to.equal(null);
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.match(/^ok -?\d+\.\d+ signals [1-9]\d*$/m);
    });
  }
});
