/**
 * Retrain one model of the run on a spec's noisy labels (ctx.trainExtra), tracking memorisation after every epoch in
 * label-noise/progress/<key>.json (a resumed training does not replay the epochs it already finished), and evaluate
 * it on the clean test split. The retraining alone is also the suite's work item (index.ts), which the harness may
 * run in a child process before `run`; `run` then loads the finished checkpoint and the progress file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelVariant } from '../../src/config/run-config.js';
import type { Dataset } from '../../src/data/dataset.js';
import { HarnessInputError } from '../../src/errors.js';
import { predict } from '../../src/eval/predict.js';
import type { ViT } from '../../src/models/vit.js';
import { writeJsonAtomic } from '../../src/util/atomic.js';
import type { SuiteContext, SuiteWorkContext, TrainedModel } from '../../api/suites.js';
import { argmaxRows, memorisationPoint } from './memorisation.js';
import { noiseKey } from './specs.js';
import { drop, testMetrics } from './test-metrics.js';
import type { MemorisationPoint, NoisyModelResult, TestMetrics } from './types.js';

/** What a model's per-epoch memorisation file holds. */
interface ProgressFile {
  key: string;
  spec: string;
  probeSize: number;
  points: MemorisationPoint[];
}

function readProgress(file: string, key: string, spec: string, probeSize: number): Map<number, MemorisationPoint> {
  const points = new Map<number, MemorisationPoint>();
  if (!fs.existsSync(file)) return points;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as ProgressFile;
  if (saved.key !== key || saved.spec !== spec || saved.probeSize !== probeSize) {
    throw new HarnessInputError(`${file} was written for another noise spec or probe; delete it and checkpoints/${key}.ckpt to retrain`, file);
  }
  for (const p of saved.points) points.set(p.epoch, p);
  return points;
}

/** A spec's noisy labels as a work item needs them: training (and optionally validation) labels and the probe. */
export interface NoisyLabels {
  canonical: string;
  labels: Uint8Array;
  validation: Uint8Array | undefined;
  probe: { set: Dataset; noisy: Uint8Array };
}

/**
 * Retrain `variant` on the noisy labels (or load it, when its checkpoint is complete), tracking memorisation on the
 * probe after every epoch in label-noise/progress/<key>.json. The caller disposes the model.
 */
export async function retrainOnNoisyLabels(ctx: SuiteWorkContext, variant: ModelVariant, noisy: NoisyLabels): Promise<{ tm: TrainedModel; memorisation: MemorisationPoint[] }> {
  const { canonical, probe } = noisy;
  const key = noiseKey(canonical, variant.name);
  const batchSize = ctx.config.train.evalBatchSize;
  const progressFile = path.join(ctx.outDir, 'label-noise', 'progress', `${key}.json`);
  const points = readProgress(progressFile, key, canonical, probe.set.count);
  const onEpoch = (record: { epoch: number }, model: ViT): void => {
    if (probe.set.count === 0) return;
    const p = predict(model, probe.set, { batchSize });
    points.set(record.epoch, memorisationPoint(record.epoch, argmaxRows(p.logits, p.numClasses), probe.noisy, probe.set.labels));
    const file: ProgressFile = { key, spec: canonical, probeSize: probe.set.count, points: [...points.values()].sort((a, b) => a.epoch - b.epoch) };
    writeJsonAtomic(progressFile, file);
  };
  if (ctx.trainExtra === undefined) throw new HarnessInputError("suite 'label-noise' does not apply to models the harness did not train: it retrains each model on noisy labels", 'suites');
  const tm = await ctx.trainExtra(key, variant, { trainLabels: noisy.labels, validationLabels: noisy.validation, onEpoch });
  try {
    const epochs = tm.state.epoch;
    const memorisation: MemorisationPoint[] = [];
    if (probe.set.count > 0) {
      for (let e = 0; e <= epochs; e++) {
        const p = points.get(e);
        if (!p) {
          throw new HarnessInputError(
            `memorisation of ${key} at epoch ${e} is missing from ${progressFile} (the checkpoint was kept but not the file); ` +
              `delete checkpoints/${key}.ckpt to retrain that model`,
            progressFile,
          );
        }
        memorisation.push(p);
      }
    }
    return { tm, memorisation };
  } catch (e) {
    tm.model.dispose();
    throw e;
  }
}

/**
 * Retrain `variant` on the noisy labels (retrainOnNoisyLabels) and evaluate it on the clean test split against
 * `clean`, the clean-label model of the same variant.
 */
export async function trainOnNoisyLabels(ctx: SuiteContext, variant: ModelVariant, noisy: NoisyLabels, clean: TestMetrics): Promise<NoisyModelResult> {
  const { tm, memorisation } = await retrainOnNoisyLabels(ctx, variant, noisy);
  try {
    const batchSize = ctx.config.train.evalBatchSize;
    const key = noiseKey(noisy.canonical, variant.name);
    const test = testMetrics(predict(tm.model, ctx.data.test, { batchSize, progress: ctx.progress(`${key} test`) }), ctx.data.test.labels, ctx.config);
    return {
      key,
      test,
      dropFromClean: drop(clean, test),
      memorisation,
      curve: tm.state.history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, trainAccuracy: h.trainAccuracy, validationAccuracy: h.validationAccuracy })),
    };
  } finally {
    tm.model.dispose();
  }
}
