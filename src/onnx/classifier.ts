/**
 * An ONNX model as a suite Classifier, through onnxruntime-node (an optional peer dependency, loaded only here).
 *
 * The harness feeds what a PyTorch image classifier expects: pixels as float32 in [0, 1], then, when given, the
 * per-channel normalisation (x - mean[c]) / std[c], in NCHW (PyTorch's default) or NHWC layout, batch first. The
 * model must have one input and at least one output; its first output is read as logits [N, classes] or, declared or
 * detected, as probabilities (turned into log-probabilities, whose softmax gives them back exactly up to rounding).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { HarnessInputError } from '../errors.js';
import type { Classifier } from '../suite/types.js';

export type OnnxLayout = 'nchw' | 'nhwc';
export type OnnxOutputs = 'logits' | 'probs' | 'auto';

export interface OnnxOptions {
  layout?: OnnxLayout;
  /** Per-channel mean and std applied after scaling to [0, 1]; one value each, or one per channel. */
  mean?: readonly number[];
  std?: readonly number[];
  /** What the first output holds; 'auto' (default) decides from the first batch: rows of [0, 1] summing to 1 = probs. */
  outputs?: OnnxOutputs;
}

/** The image shape of the data the model will see. */
export interface ImageShapeSpec {
  height: number;
  width: number;
  channels: number;
  classes: number;
}

export interface OnnxClassifier extends Classifier {
  readonly file: string;
  readonly sha256: string;
  readonly inputName: string;
  readonly layout: OnnxLayout;
  /** What the output held: known after the first batch when 'auto'. */
  outputs(): 'logits' | 'probs';
  close(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');

let ortModule: Promise<Ort> | undefined;

/** onnxruntime-node, or a HarnessInputError with the one install line when it is absent. */
export function loadOnnxRuntime(): Promise<Ort> {
  ortModule ??= (import('onnxruntime-node') as Promise<Ort>).catch((e: NodeJS.ErrnoException) => {
    ortModule = undefined;
    if (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') {
      throw new HarnessInputError(
        'ONNX models need onnxruntime-node, which is not installed: npm install onnxruntime-node --onnxruntime-node-install=skip (the flag keeps its installer from downloading GPU binaries; the CPU ones ship in the package)',
        'model',
      );
    }
    throw new HarnessInputError(`onnxruntime-node failed to load: ${String(e.message).split('\n')[0]}`, 'model');
  });
  return ortModule;
}

/** Open `file` and check its input and output against the data; every mismatch is one line naming both shapes. */
export async function onnxClassifier(name: string, file: string, shape: ImageShapeSpec, options: OnnxOptions = {}): Promise<OnnxClassifier> {
  const who = `model '${name}' (${file})`;
  if (!existsSync(file)) throw new HarnessInputError(`${who}: file not found`, file);
  if (statSync(file).isDirectory()) throw new HarnessInputError(`${who}: is a directory, not an .onnx file`, file);
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const layout = options.layout ?? 'nchw';
  const { mean, std } = normalisation(who, shape.channels, options.mean, options.std);
  const ort = await loadOnnxRuntime();
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new HarnessInputError(`${who}: not a model onnxruntime can load (${String((e as Error).message).split('\n')[0]})`, file);
  }
  if (session.inputNames.length !== 1) {
    throw new HarnessInputError(`${who}: has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); the harness feeds one image tensor`, file);
  }
  if (session.outputNames.length < 1) throw new HarnessInputError(`${who}: has no outputs`, file);
  const inputName = session.inputNames[0];
  const expected = layout === 'nchw' ? ['N', shape.channels, shape.height, shape.width] : ['N', shape.height, shape.width, shape.channels];
  const meta = session.inputMetadata[0];
  if (meta?.isTensor) {
    const dims = meta.shape;
    const fits = dims.length === 4 && dims.slice(1).every((d, i) => typeof d !== 'number' || d < 0 || d === expected[i + 1]);
    if (!fits) {
      throw new HarnessInputError(
        `${who}: input '${inputName}' has shape [${dims.join(', ')}], expected [${expected.join(', ')}] for ${shape.height}x${shape.width}x${shape.channels} images in ${layout.toUpperCase()} layout${dims.length === 4 && layout === 'nchw' && dims[3] === shape.channels ? ' (the model looks NHWC: pass --layout nhwc)' : dims.length === 4 && layout === 'nhwc' && dims[1] === shape.channels ? ' (the model looks NCHW: pass --layout nchw)' : ''}`,
        file,
      );
    }
    if (meta.type !== 'float32') throw new HarnessInputError(`${who}: input '${inputName}' is ${meta.type}; the harness feeds float32 pixels`, file);
  }
  const outMeta = session.outputMetadata[0];
  if (outMeta?.isTensor && outMeta.shape.length === 2 && typeof outMeta.shape[1] === 'number' && outMeta.shape[1] > 0 && outMeta.shape[1] !== shape.classes) {
    throw new HarnessInputError(`${who}: output '${session.outputNames[0]}' has shape [${outMeta.shape.join(', ')}], expected [N, ${shape.classes}] for the ${shape.classes} classes of the data`, file);
  }
  let outputs: 'logits' | 'probs' | undefined = options.outputs === 'auto' || options.outputs === undefined ? undefined : options.outputs;
  const { height: h, width: w, channels: c, classes } = shape;
  const size = h * w * c;
  return {
    numClasses: classes,
    file,
    sha256,
    inputName,
    layout,
    outputs: () => outputs ?? 'logits',
    close: () => session.release(),
    async logits(images: Uint8Array, count: number): Promise<Float32Array> {
      // [count, H, W, C] uint8 → float32 [count, C, H, W] or [count, H, W, C], scaled and normalised
      const x = new Float32Array(count * size);
      for (let n = 0; n < count; n++) {
        const base = n * size;
        for (let y = 0; y < h; y++) {
          for (let xx = 0; xx < w; xx++) {
            for (let ch = 0; ch < c; ch++) {
              const v = (images[base + (y * w + xx) * c + ch] / 255 - mean[ch]) / std[ch];
              x[layout === 'nchw' ? base + (ch * h + y) * w + xx : base + (y * w + xx) * c + ch] = v;
            }
          }
        }
      }
      const dims = layout === 'nchw' ? [count, c, h, w] : [count, h, w, c];
      let result;
      try {
        result = await session.run({ [inputName]: new ort.Tensor('float32', x, dims) });
      } catch (e) {
        throw new HarnessInputError(`${who}: inference failed on a batch of ${count}: ${String((e as Error).message).split('\n')[0]}`, file);
      }
      const out = result[session.outputNames[0]];
      if (out.type !== 'float32' && out.type !== 'float64') throw new HarnessInputError(`${who}: output '${session.outputNames[0]}' is ${out.type}, expected float logits`, file);
      if (out.dims.length !== 2 || out.dims[0] !== count || out.dims[1] !== classes) {
        throw new HarnessInputError(`${who}: output '${session.outputNames[0]}' has shape [${out.dims.join(', ')}] for a batch of ${count}, expected [${count}, ${classes}]`, file);
      }
      const data = Float32Array.from(out.data as Float32Array | Float64Array);
      outputs ??= looksLikeProbabilities(data, classes) ? 'probs' : 'logits';
      if (outputs === 'probs') for (let i = 0; i < data.length; i++) data[i] = Math.log(Math.max(data[i], 1e-45));
      return data;
    },
  };
}

/** Rows within [0, 1] that sum to 1 (to 1e-3): a softmax output. */
export function looksLikeProbabilities(rows: Float32Array, classes: number): boolean {
  for (let r = 0; r < rows.length / classes; r++) {
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const v = rows[r * classes + j];
      if (!(v >= 0 && v <= 1)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

function normalisation(who: string, channels: number, mean?: readonly number[], std?: readonly number[]): { mean: number[]; std: number[] } {
  const expand = (v: readonly number[] | undefined, fallback: number, what: string): number[] => {
    if (v === undefined) return Array(channels).fill(fallback);
    if (v.length !== 1 && v.length !== channels) throw new HarnessInputError(`${who}: --${what} needs 1 or ${channels} values (one per channel), got ${v.length}`, what);
    if (v.some((x) => !Number.isFinite(x))) throw new HarnessInputError(`${who}: --${what} values must be finite numbers, got ${v.join(',')}`, what);
    return v.length === 1 ? Array(channels).fill(v[0]) : [...v];
  };
  const m = expand(mean, 0, 'mean');
  const s = expand(std, 1, 'std');
  if (s.some((x) => x <= 0)) throw new HarnessInputError(`${who}: --std values must be > 0, got ${s.join(',')}`, 'std');
  return { mean: m, std: s };
}
