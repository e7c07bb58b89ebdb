/**
 * Per-step training losses of the smoke preset's model on two backends, to tell float-rounding drift from a bug:
 * `npx tsx native/tools/diverge.ts [backendA] [backendB] [k]`. Prints the relative loss difference per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadLibtorchBackend } from '../../src/backend-libtorch/index.js';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { splitTrainValidation } from '../../src/data/split.js';
import { VIT_DEFAULTS } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';

async function main(): Promise<void> {
  const [a = 'wasm', b = 'libtorch', kArg = 'null'] = process.argv.slice(2);
  await loadLibtorchBackend();
  const k = kArg === 'null' ? null : Number(kArg);
  const all = syntheticDataset({ count: 2500, height: 28, width: 28, channels: 1, classes: 10, seed: 1 });
  const { train: tr, validation } = splitTrainValidation(all, 500, 1);
  const run = async (be: string) => {
    await tf.setBackend(be);
    const m = new ViT({ ...VIT_DEFAULTS, dim: 32, depth: 2, heads: 2, mlpDim: 128, patchSize: 7, k }, 0);
    const losses: number[] = [];
    train({
      model: m, train: tr, validation, seed: 0,
      config: { ...TRAIN_DEFAULTS, epochs: 2, batchSize: 64, learningRate: 3e-3, gradClipNorm: 1, weightDecay: 0.05, evalBatchSize: 512, checkpointEverySteps: 0 },
      progress: { line: () => {}, update: (_s: number, _t: number, msg: string) => losses.push(Number(/loss ([0-9.]+)/.exec(msg)![1])) } as never,
    });
    m.dispose();
    return losses;
  };
  const la = await run(a), lb = await run(b);
  const out = la.map((v, i) => `${i + 1}:${(Math.abs(v - lb[i]) / v).toExponential(1)}`);
  console.log(out.join(' '));
}
main();
