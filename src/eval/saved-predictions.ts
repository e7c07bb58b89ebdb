/**
 * A model's passes over the test and validation splits saved beside its checkpoint, so that the child process which
 * trained the model (parallel-training.ts) also makes them, side by side with the other models', and the parent
 * reads the results instead of repeating them (the run's test evaluation; the calibration suite's validation pass
 * through the classifier's knownLogits). A file names what it was computed from: the SHA-256 of the checkpoint's
 * bytes, the split and its fingerprint, the batch size and the backend. The parent uses it only when all match what
 * it would compute with, so the numbers are those of its own pass (the same weights, data, batches and backend give
 * the same float32 results); anything else (no file, another checkpoint, a damaged file) means it predicts itself.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import type { Predictions } from './predict.js';

/** What the predictions were computed from. */
export interface PredictionSource {
  /** The checkpoint file the weights come from. */
  checkpoint: string;
  split: 'test' | 'validation';
  /** The split's datasetFingerprint. */
  fingerprint: string;
  batchSize: number;
  backend: string;
}

const FORMAT = 'topk-harness predictions v1';

/** The file beside a checkpoint: checkpoints/<key>.ckpt → checkpoints/<key>.<split>-predictions.json. */
export function savedPredictionsPath(checkpoint: string, split: PredictionSource['split']): string {
  return path.join(path.dirname(checkpoint), `${path.basename(checkpoint, '.ckpt')}.${split}-predictions.json`);
}

function identity(src: PredictionSource): Record<string, string | number> {
  const sha = createHash('sha256').update(fs.readFileSync(src.checkpoint)).digest('hex');
  return { format: FORMAT, checkpointSha256: sha, split: src.split, fingerprint: src.fingerprint, batchSize: src.batchSize, backend: src.backend };
}

const toBase64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromBase64(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

/** Writes p (atomically) with the identity of its source. */
export function savePredictions(src: PredictionSource, p: Predictions): void {
  const body = {
    ...identity(src),
    count: p.count,
    numClasses: p.numClasses,
    probs: toBase64(p.probs),
    logits: toBase64(p.logits),
    nonzeroFraction: p.nonzeroFraction,
    neuronFiring: p.neuronFiring ? { tokens: p.neuronFiring.tokens, counts: p.neuronFiring.counts.map((c) => Array.from(c)) } : null,
    seconds: p.seconds,
    imagesPerSecond: p.imagesPerSecond,
  };
  writeFileAtomic(savedPredictionsPath(src.checkpoint, src.split), JSON.stringify(body));
}

/** The saved predictions of exactly this source, or null (none, another source, or unreadable). */
export function loadSavedPredictions(src: PredictionSource): Predictions | null {
  const file = savedPredictionsPath(src.checkpoint, src.split);
  if (!fs.existsSync(file) || !fs.existsSync(src.checkpoint)) return null;
  try {
    const b = JSON.parse(fs.readFileSync(file, 'utf8'));
    const want = identity(src);
    for (const [k, v] of Object.entries(want)) if (b[k] !== v) return null;
    const probs = fromBase64(b.probs);
    const logits = fromBase64(b.logits);
    if (probs.length !== b.count * b.numClasses || logits.length !== probs.length) return null;
    return {
      probs,
      logits,
      numClasses: b.numClasses,
      count: b.count,
      nonzeroFraction: b.nonzeroFraction,
      neuronFiring: b.neuronFiring ? { tokens: b.neuronFiring.tokens, counts: b.neuronFiring.counts.map((c: number[]) => Float64Array.from(c)) } : undefined,
      seconds: b.seconds,
      imagesPerSecond: b.imagesPerSecond,
    };
  } catch {
    return null; // a damaged file: predict again
  }
}
