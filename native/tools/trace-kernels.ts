/**
 * Lists every tfjs kernel (with the attrs that matter) that a full training run and an evaluation of the harness's
 * ViT hit, vanilla and Top-k, mean and cls pooling: `npx tsx native/tools/trace-kernels.ts [backend]`.
 * Wraps ENGINE.runKernelFunc... no: uses tf.profile, which records every kernel call including gradient kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend.js';
import { syntheticDataset } from '../../src/data/synthetic.js';
import { splitTrainValidation } from '../../src/data/split.js';
import { predict } from '../../src/eval/predict.js';
import { VIT_DEFAULTS, ViTConfig } from '../../src/models/config.js';
import { ViT } from '../../src/models/vit.js';
import { TRAIN_DEFAULTS } from '../../src/train/config.js';
import { train } from '../../src/train/trainer.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';

async function main(): Promise<void> {
  await initBackend((process.argv[2] ?? 'wasm') as 'wasm', () => {});
  await ensureGradients(); // tfjs's gradients load with the first training (src/tfjs-gradients.ts)
  const all = syntheticDataset({ count: 120, height: 16, width: 16, channels: 1, classes: 4, seed: 1 });
  const { train: tr, validation } = splitTrainValidation(all, 40, 1);
  const counts = new Map<string, number>();
  for (const pool of ['mean', 'cls'] as const) {
    for (const k of [null, 8]) {
      const cfg: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, patchSize: 4, dim: 16, depth: 2, heads: 2, mlpDim: 32, numClasses: 4, pool, k };
      const info = await tf.profile(() => {
        const m = new ViT(cfg, 0);
        train({ model: m, train: tr, validation, config: { ...TRAIN_DEFAULTS, epochs: 1, batchSize: 32, evalBatchSize: 64, gradClipNorm: 1e-3 }, seed: 0 });
        predict(m, validation, { neuronFiring: true });
        m.dispose();
      });
      for (const kk of info.kernels) counts.set(kk.name, (counts.get(kk.name) ?? 0) + 1);
    }
  }
  for (const [n, c] of [...counts].sort()) console.log(`${n}\t${c}`);
}
main();
