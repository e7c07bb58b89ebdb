/**
 * The training loop: seeded shuffling per epoch (rngFor(seed, 'shuffle', epoch), identical for every model of a
 * run), AdamW with warmup + cosine, global-norm gradient clipping, NaN/Inf detection with the step, per-epoch
 * validation (accuracy, loss and per-layer MLP sparsity, also at initialisation as epoch 0), a training curve, and
 * checkpoints from which an interrupted run resumes with the same result as an uninterrupted one.
 */
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { Dataset, subset } from '../data/dataset.js';
import { firstDifference } from '../util/diff.js';
import { HarnessInputError, NonFiniteLossError } from '../errors.js';
import { predict, type Predictions } from '../eval/predict.js';
import { ensureGradients } from '../tfjs-gradients.js';
import { accuracy } from '../metrics/accuracy.js';
import { negativeLogLikelihood } from '../metrics/nll.js';
import { ViT } from '../models/vit.js';
import { permutation, rngFor } from '../rng.js';
import { ProgressSink, silentProgress } from '../util/progress.js';
import { AdamW } from './adamw.js';
import { imageBatch, labelBatch } from '../data/batch.js';
import { loadCheckpoint, retrainHint, saveCheckpoint, TensorEntry } from './checkpoint.js';
import { TrainConfig } from './config.js';
import { crossEntropy } from './loss.js';
import { learningRateAt } from './schedule.js';

/** One point of the training curve. Epoch 0 is the model at initialisation (no training loss). */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's steps (null at epoch 0). */
  trainLoss: number | null;
  /** Training accuracy on the batches as they were trained (null at epoch 0). */
  trainAccuracy: number | null;
  validationLoss: number;
  validationAccuracy: number;
  /** Per layer, fraction of nonzero MLP activations on the validation split (0..1). */
  validationNonzeroFraction: number[];
  /** Per layer, the same on a fixed seeded probe of up to TRAIN_PROBE_SIZE training images (0..1). */
  trainNonzeroFraction: number[];
  /** Learning rate at the epoch's last step. */
  learningRate: number;
  /** Optimiser steps completed at the end of this epoch. */
  steps: number;
}

/** Where training stands; stored in checkpoints. */
export interface TrainState {
  epoch: number; // epochs fully completed
  stepInEpoch: number; // steps completed inside the current epoch
  globalStep: number;
  trainSeconds: number; // wall time spent in optimisation steps (validation excluded)
  imagesTrained: number;
  history: EpochRecord[];
  /** Running sums for the epoch in progress (so a mid-epoch resume reports the same epoch means). */
  epochLossSum: number;
  epochCorrect: number;
  epochSeen: number;
  lastLearningRate: number;
}

export interface TrainOptions {
  model: ViT;
  train: Dataset;
  validation: Dataset;
  config: TrainConfig;
  seed: number;
  /** Labels to train on, when they differ from train.labels (label noise). Validation stays clean. */
  trainLabels?: Uint8Array;
  /** Write checkpoints here (one file). */
  checkpointPath?: string;
  /** Continue from checkpointPath when it exists. */
  resume?: boolean;
  /** Identity stored in the checkpoint and compared on resume (config, seed, data fingerprint). */
  identity?: unknown;
  progress?: ProgressSink;
  /** Stop (as if interrupted) after this many global steps; for tests and time-boxed runs. */
  stopAfterSteps?: number;
  /** Checked before every step: true saves a checkpoint and returns as interrupted (a SIGINT or SIGTERM). */
  shouldStop?: () => boolean;
  /** Refuse to train: the checkpoint must exist and hold a finished training (evaluation of a trained run). */
  requireComplete?: boolean;
  /** Called after each epoch's validation (including epoch 0) with the model; for suites that track over training. */
  onEpoch?: (record: EpochRecord, model: ViT) => void;
}

export interface TrainResult {
  state: TrainState;
  /** True when stopAfterSteps or shouldStop cut training short. */
  interrupted: boolean;
  /**
   * The last epoch's validation pass (predict with evalBatchSize on the final weights), when this call made it:
   * callers that need the validation logits of the trained model take them from here instead of a second pass.
   */
  finalValidation?: Predictions;
}

/** Training images whose MLP sparsity is measured after every epoch (a fixed seeded subset of the split). */
export const TRAIN_PROBE_SIZE = 1000;

function freshState(): TrainState {
  return { epoch: 0, stepInEpoch: 0, globalStep: 0, trainSeconds: 0, imagesTrained: 0, history: [], epochLossSum: 0, epochCorrect: 0, epochSeen: 0, lastLearningRate: 0 };
}

/** Training yields to the event loop this often (ms), so that signals are handled within a step or so. */
const YIELD_MS = 100;

export async function train(opts: TrainOptions): Promise<TrainResult> {
  await ensureGradients(); // loaded with the first training (backend.ts)
  const { model, train: data, validation, config: cfg, seed } = opts;
  const progress = opts.progress ?? silentProgress;
  const labels = opts.trainLabels ?? data.labels;
  if (labels.length !== data.count) throw new HarnessInputError(`trainLabels has ${labels.length} entries for ${data.count} training images`);
  if (data.count === 0) throw new HarnessInputError('the training split is empty');
  const stepsPerEpoch = Math.ceil(data.count / cfg.batchSize);
  const totalSteps = stepsPerEpoch * cfg.epochs;
  const optimizer = new AdamW(model.params, (n) => model.isDecayed(n), cfg);
  const vars = [...model.params.values()];
  const names = [...model.params.keys()];
  let state = freshState();

  if (opts.resume && opts.checkpointPath && fs.existsSync(opts.checkpointPath)) {
    state = restore(opts.checkpointPath, model, optimizer, opts.identity);
    progress.line(`resumed from ${opts.checkpointPath} at epoch ${state.epoch}, step ${state.globalStep}/${totalSteps}`);
  }
  if (opts.requireComplete && state.epoch < cfg.epochs) {
    optimizer.dispose();
    throw new HarnessInputError(
      `${opts.checkpointPath ?? 'model'} holds no finished training (epoch ${state.epoch} of ${cfg.epochs}); ` +
        `finish it with \`topk-harness run --resume <run-dir>\` (which also trains the models suites add, e.g. label noise)`,
      opts.checkpointPath,
    );
  }

  const probe = subset(data, permutation(rngFor(seed, 'train-probe'), data.count).subarray(0, Math.min(TRAIN_PROBE_SIZE, data.count)));
  let lastValidation: Predictions | undefined;
  const validate = (epoch: number, trainLoss: number | null, trainAccuracy: number | null): void => {
    const p = predict(model, validation, { batchSize: cfg.evalBatchSize });
    lastValidation = p;
    const trainNonzeroFraction = predict(model, probe, { batchSize: cfg.evalBatchSize }).nonzeroFraction;
    const bad = p.logits.find((v) => !Number.isFinite(v));
    if (bad !== undefined) throw new NonFiniteLossError(state.globalStep, 'validation logits', bad);
    const rec: EpochRecord = {
      epoch,
      trainLoss,
      trainAccuracy,
      validationLoss: negativeLogLikelihood({ data: p.logits, numClasses: p.numClasses }, validation.labels, { logits: true }),
      validationAccuracy: accuracy({ data: p.probs, numClasses: p.numClasses }, validation.labels),
      validationNonzeroFraction: p.nonzeroFraction,
      trainNonzeroFraction,
      learningRate: state.lastLearningRate,
      steps: state.globalStep,
    };
    state.history.push(rec);
    opts.onEpoch?.(rec, model);
    const nz = p.nonzeroFraction.reduce((a, b) => a + b, 0) / p.nonzeroFraction.length;
    progress.line(
      `epoch ${epoch}/${cfg.epochs}` + (trainLoss === null ? ' (init)' : ` train loss ${trainLoss.toFixed(4)} acc ${(100 * trainAccuracy!).toFixed(2)}%`) +
        ` | val loss ${rec.validationLoss.toFixed(4)} acc ${(100 * rec.validationAccuracy).toFixed(2)}% | nonzero ${(100 * nz).toFixed(1)}%`,
    );
  };

  const save = (): void => {
    if (!opts.checkpointPath) return;
    const entries: TensorEntry[] = [];
    for (const [name, v] of model.params) {
      entries.push({ kind: 'param', name, shape: v.shape, tensor: v });
      entries.push({ kind: 'adam.m', name, shape: v.shape, tensor: optimizer.m.get(name)! });
      entries.push({ kind: 'adam.v', name, shape: v.shape, tensor: optimizer.v.get(name)! });
    }
    saveCheckpoint(opts.checkpointPath, { ...state, optimizerStep: optimizer.step }, opts.identity ?? null, entries);
  };

  let lastYield = performance.now();
  try {
    if (state.history.length === 0) validate(0, null, null);
    while (state.epoch < cfg.epochs) {
      const order = permutation(rngFor(seed, 'shuffle', state.epoch), data.count);
      for (let s = state.stepInEpoch; s < stepsPerEpoch; s++) {
        if ((opts.stopAfterSteps !== undefined && state.globalStep >= opts.stopAfterSteps) || opts.shouldStop?.()) {
          save();
          return { state, interrupted: true };
        }
        if (performance.now() - lastYield > YIELD_MS) {
          // let signal handlers and timers run: a SIGINT sets shouldStop, and the next step saves and returns
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        const idx = order.subarray(s * cfg.batchSize, Math.min((s + 1) * cfg.batchSize, data.count));
        const lr = learningRateAt(state.globalStep, totalSteps, cfg.learningRate, cfg.warmupFraction, cfg.minLearningRateFraction);
        const t0 = performance.now();
        const [loss, gradNorm, correct] = step(model, vars, names, optimizer, data, labels, idx, lr, cfg.gradClipNorm);
        state.trainSeconds += (performance.now() - t0) / 1000;
        state.globalStep++;
        if (!Number.isFinite(loss)) throw new NonFiniteLossError(state.globalStep, 'training loss', loss);
        if (!Number.isFinite(gradNorm)) throw new NonFiniteLossError(state.globalStep, 'gradient norm', gradNorm);
        state.stepInEpoch = s + 1;
        state.imagesTrained += idx.length;
        state.epochLossSum += loss * idx.length;
        state.epochCorrect += correct;
        state.epochSeen += idx.length;
        state.lastLearningRate = lr;
        progress.update(state.globalStep, totalSteps, `epoch ${state.epoch + 1} loss ${loss.toFixed(4)} lr ${lr.toExponential(2)} ${(state.imagesTrained / state.trainSeconds).toFixed(0)} img/s`);
        if (cfg.checkpointEverySteps > 0 && state.globalStep % cfg.checkpointEverySteps === 0 && s + 1 < stepsPerEpoch) save();
      }
      const trainLoss = state.epochLossSum / state.epochSeen;
      const trainAcc = state.epochCorrect / state.epochSeen;
      state.epoch++;
      state.stepInEpoch = 0;
      state.epochLossSum = state.epochCorrect = state.epochSeen = 0;
      validate(state.epoch, trainLoss, trainAcc);
      save();
    }
  } finally {
    optimizer.dispose();
  }
  return { state, interrupted: false, finalValidation: lastValidation };
}

/** One optimisation step; returns [loss, global grad norm before clipping, correct predictions in the batch]. */
function step(
  model: ViT, vars: tf.Variable[], names: string[], optimizer: AdamW,
  data: Dataset, labels: ArrayLike<number>, idx: ArrayLike<number>, lr: number, clip: number,
): [number, number, number] {
  return tf.tidy(() => {
    const x = imageBatch(data, idx);
    const y = labelBatch(labels, idx);
    let correct!: tf.Scalar;
    const { value, grads } = tf.variableGrads(() => {
      const { logits } = model.forward(x);
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')) as tf.Scalar);
      return crossEntropy(logits, y);
    }, vars);
    const gl = vars.map((v) => grads[v.name]);
    const norm = tf.sqrt(tf.addN(gl.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const [lossV, normV, correctV] = [value.dataSync()[0], norm.dataSync()[0], correct.dataSync()[0]];
    correct.dispose();
    const scale = clip > 0 && normV > clip ? clip / (normV + 1e-6) : 1;
    const named: Record<string, tf.Tensor> = {};
    gl.forEach((g, i) => (named[names[i]] = scale === 1 ? g : tf.mul(g, scale)));
    if (Number.isFinite(lossV) && Number.isFinite(normV)) optimizer.apply(named, lr);
    return [lossV, normV, correctV];
  });
}

function restore(file: string, model: ViT, optimizer: AdamW, identity: unknown): TrainState {
  const { header, values } = loadCheckpoint<TrainState & { optimizerStep: number }>(file);
  const diff = identity === undefined ? null : firstDifference(JSON.parse(JSON.stringify(header.identity)), JSON.parse(JSON.stringify(identity)));
  if (diff) {
    throw new HarnessInputError(
      `checkpoint ${file} was written for a different configuration, seed or dataset (${diff.path} is ` +
        `${JSON.stringify(diff.a)} there, ${JSON.stringify(diff.b)} now); refusing to resume: ${retrainHint(file)}`,
      file,
    );
  }
  const assign = (kind: string, name: string, v: tf.Variable) => {
    const arr = values.get(`${kind}:${name}`);
    if (!arr || arr.length !== v.size) throw new HarnessInputError(`checkpoint ${file} lacks ${kind}:${name} or its size differs`, file);
    v.assign(tf.tensor(arr, v.shape, 'float32'));
  };
  tf.tidy(() => {
    for (const [name, v] of model.params) {
      assign('param', name, v);
      assign('adam.m', name, optimizer.m.get(name)!);
      assign('adam.v', name, optimizer.v.get(name)!);
    }
  });
  optimizer.step = header.state.optimizerStep;
  const { optimizerStep: _unused, ...state } = header.state;
  return state;
}
