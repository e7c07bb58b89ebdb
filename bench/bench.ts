/**
 * `npm run bench`: training and inference speed of the vanilla and the Top-k ViT (k = 16) on the reference config
 * of shared/peer/vit_peer.py (28x28x1, patch 4, dim 64, depth 4, heads 4, MLP 256, batch 128, inference batch 512),
 * plus the calibration metrics on one million predictions and images/s of each corruption at 32 and 224 px beside the
 * Python reference (bench/corruptions.ts). Inputs are seeded random tensors: this measures speed,
 * not accuracy. Prints a table, or one JSON object with --json. --peer also runs the PyTorch peer script (Debian's
 * python3-torch) with the same config and reports the ratio.
 *
 *   npm run bench -- [--json] [--steps 8] [--warmup 2] [--backend auto|wasm|cpu] [--peer [path/to/vit_peer.py]]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendChoice, initBackend } from '../src/backend.js';
import { forwardFlops, ViTConfig, VIT_DEFAULTS } from '../src/models/config.js';
import { benchCalibration } from './calibration.js';
import { benchModel, Speed } from './model-speed.js';
import { benchCorruptions, CORRUPTION_BENCH_IMAGES_224, CORRUPTION_BENCH_IMAGES_32, PYTHON_REFERENCE_PX32, type CorruptionSpeed } from './corruptions.js';
import { PACKAGE_ROOT } from '../src/run/provenance.js';
import { openblasCoreTypeFromFlags } from '../src/backend-libtorch/native.js';

interface Args { json: boolean; steps: number; isteps: number; warmup: number; backend: BackendChoice; peer: string | null }

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, steps: 8, isteps: 4, warmup: 2, backend: 'auto', peer: null };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${f} needs a value`);
      return v;
    };
    if (f === '--json') a.json = true;
    else if (f === '--steps') a.steps = Number(next());
    else if (f === '--isteps') a.isteps = Number(next());
    else if (f === '--warmup') a.warmup = Number(next());
    else if (f === '--backend') a.backend = next() as BackendChoice;
    else if (f === '--peer') a.peer = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : path.resolve(PACKAGE_ROOT, '..', 'shared', 'peer', 'vit_peer.py');
    else throw new Error(`unknown bench flag ${f}; allowed: --json --steps N --isteps N --warmup N --backend NAME --peer [FILE]`);
  }
  for (const k of ['steps', 'isteps', 'warmup'] as const) if (!Number.isInteger(a[k]) || a[k] < (k === 'warmup' ? 0 : 1)) throw new Error(`--${k} must be a positive integer`);
  return a;
}

function runPeer(script: string, topk: number): Record<string, number | string> {
  const core = openblasCoreTypeFromFlags(); // the same rule the libtorch backend applies to itself
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_WAIT_POLICY: 'PASSIVE', ...(core ? { OPENBLAS_CORETYPE: core } : {}) };
  const out = execFileSync('/usr/bin/python3', [script, '--topk', String(topk), '--threads', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  return { ...JSON.parse(out.trim().split('\n').pop()!), openblasCoreType: core ?? 'default' };
}

/** Each corruption's entry in the JSON: images/s at 32 and 224 px, and for the 15 the Python reference and ratio at 32 px. */
type CorruptionBenchEntry = CorruptionSpeed & { referencePx32?: number; ratioPx32?: number };

function withReference(speeds: Record<string, CorruptionSpeed>): Record<string, CorruptionBenchEntry> {
  return Object.fromEntries(Object.entries(speeds).map(([name, s]) => {
    const ref = PYTHON_REFERENCE_PX32[name];
    return [name, ref === undefined ? { ...s } : { ...s, referencePx32: ref, ratioPx32: s.px32 / ref }];
  }));
}

/** The corruption table: images/s at 32 and 224 px beside the Python reference at 32 px and the ratio. */
function corruptionTable(entries: Record<string, CorruptionBenchEntry>): string[] {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const w = Math.max(...Object.keys(entries).map((k) => k.length));
  const lines = [
    `corruptions, images/s at severity 3 (32x32x3 CIFAR table, ${CORRUPTION_BENCH_IMAGES_32.toLocaleString('en-US')} images; 224x224x3 ImageNet table, ${CORRUPTION_BENCH_IMAGES_224} images):`,
    `${'corruption'.padEnd(w)} ${'32 px'.padStart(8)} ${'224 px'.padStart(8)} ${'Python 32 px'.padStart(12)} ${'ratio 32 px'.padStart(11)}`,
  ];
  for (const [name, e] of Object.entries(entries)) {
    lines.push(`${name.padEnd(w)} ${n(e.px32).padStart(8)} ${n(e.px224).padStart(8)} ${(e.referencePx32 === undefined ? '-' : n(e.referencePx32)).padStart(12)} ${(e.ratioPx32 === undefined ? '-' : `${e.ratioPx32.toFixed(2)}x`).padStart(11)}`);
  }
  const below = Object.entries(entries).filter(([, e]) => e.ratioPx32 !== undefined && e.ratioPx32 < 1).map(([k]) => k);
  lines.push(below.length ? `slower than the Python reference at 32 px: ${below.join(', ')}` : 'every benchmark corruption at least as fast as the Python reference at 32 px');
  return lines;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const backend = await initBackend(a.backend, a.json ? () => {} : (l) => process.stderr.write(l + '\n'));
  const ref: ViTConfig = { ...VIT_DEFAULTS };
  const log = (l: string) => !a.json && process.stderr.write(l + '\n');
  log(`benchmarking on ${backend.name}: reference ViT, ${a.warmup} warmup + ${a.steps} training steps, ${a.isteps} inference batches`);
  const vanilla = benchModel(ref, a);
  const topk = benchModel({ ...ref, k: 16 }, a);
  const calibration = benchCalibration();
  log(`timing the 19 corruptions at severity 3 (${CORRUPTION_BENCH_IMAGES_32.toLocaleString('en-US')} 32x32x3 images, CIFAR table; ${CORRUPTION_BENCH_IMAGES_224} 224x224x3, ImageNet table)...`);
  const corruptions = withReference(await benchCorruptions());
  const result: Record<string, unknown> = {
    backend: backend.name,
    config: { image: '28x28x1', patchSize: 4, dim: 64, depth: 4, heads: 4, mlpDim: 256, k: 16, batch: 128, inferenceBatch: 512, forwardMflopPerImage: forwardFlops(ref) / 1e6 },
    train: { vanilla: vanilla.train, topk: topk.train },
    infer: { vanilla: vanilla.infer, topk: topk.infer },
    calibration,
    corruptions,
  };
  if (a.peer) {
    if (!fs.existsSync(a.peer)) throw new Error(`peer script ${a.peer} not found`);
    log('running the PyTorch peer (vanilla, then Top-16)...');
    const pv = runPeer(a.peer, 0), pt = runPeer(a.peer, 16);
    result.peer = { vanilla: pv, topk: pt };
    result.ratioToPeer = {
      trainVanilla: vanilla.train.imagesPerSecond / Number(pv.train_img_s),
      trainTopk: topk.train.imagesPerSecond / Number(pt.train_img_s),
      inferVanilla: vanilla.infer.imagesPerSecond / Number(pv.infer_img_s),
      inferTopk: topk.infer.imagesPerSecond / Number(pt.infer_img_s),
    };
  }
  if (a.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const row = (name: string, s: Speed) => `${name.padEnd(18)} ${s.msPerStep.toFixed(1).padStart(9)} ${s.imagesPerSecond.toFixed(1).padStart(10)} ${s.gflops.toFixed(2).padStart(8)}`;
  const lines = [
    `backend ${backend.name}; reference ViT (${(forwardFlops(ref) / 1e6).toFixed(1)} MFLOP forward per image)`,
    `${'phase / model'.padEnd(18)} ${'ms/batch'.padStart(9)} ${'images/s'.padStart(10)} ${'GFLOP/s'.padStart(8)}`,
    row('train vanilla', vanilla.train),
    row('train topk-16', topk.train),
    row('infer vanilla', vanilla.infer),
    row('infer topk-16', topk.infer),
    `calibration: every metric on 1,000,000 x 10 predictions in ${calibration.millionPredictionsSeconds.toFixed(3)} s`,
    ...corruptionTable(corruptions),
  ];
  if (result.peer) {
    const p = result.peer as Record<string, Record<string, number | string>>;
    const r = result.ratioToPeer as Record<string, number>;
    lines.push(
      `peer ${p.vanilla.peer} (OPENBLAS_CORETYPE=${p.vanilla.openblasCoreType}, ${p.vanilla.threads} threads): train ${p.vanilla.train_img_s} / ${p.topk.train_img_s} images/s, infer ${p.vanilla.infer_img_s} / ${p.topk.infer_img_s} (vanilla / topk-16)`,
      `ratio harness/peer: train ${r.trainVanilla.toFixed(2)} / ${r.trainTopk.toFixed(2)}, infer ${r.inferVanilla.toFixed(2)} / ${r.inferTopk.toFixed(2)}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).message}\n`);
  process.exit(1);
});
