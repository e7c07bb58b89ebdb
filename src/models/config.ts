/**
 * ViT configuration: one typed object with defaults in one place. The Top-k ViT is the same model plus `k`.
 * Defaults are the reference model of shared/peer/vit_peer.py (28x28x1, patch 4, dim 64, depth 4, heads 4, MLP 256).
 */
import { HarnessInputError } from '../errors.js';

export interface ViTConfig {
  /** Input height in pixels; must be divisible by patchSize. */
  imageHeight: number;
  /** Input width in pixels; must be divisible by patchSize. */
  imageWidth: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** Square patch side in pixels; tokens = (H/P)·(W/P). */
  patchSize: number;
  /** Token width d_model. */
  dim: number;
  /** Number of pre-LN Transformer blocks. */
  depth: number;
  /** Attention heads; dim must be divisible by heads. */
  heads: number;
  /** MLP hidden width d_ff (the ReLU layer whose sparsity is measured). */
  mlpDim: number;
  /** Output classes. */
  numClasses: number;
  /** 'mean': average of the tokens (as the peer script); 'cls': a learned class token prepended. */
  pool: 'mean' | 'cls';
  /**
   * Top-k: keep the k largest ReLU outputs per token in every MLP, zero the rest (training and inference).
   * null = vanilla. A number applies to every layer; an array gives one k per layer. k = mlpDim equals vanilla.
   */
  k: number | number[] | null;
  /** LayerNorm epsilon (PyTorch's default). */
  layerNormEps: number;
  /** Std of the truncated-normal initialiser of linear weights and embeddings (ViT/timm convention). */
  initStd: number;
}

export const VIT_DEFAULTS: ViTConfig = {
  imageHeight: 28,
  imageWidth: 28,
  channels: 1,
  patchSize: 4, // 49 tokens on 28x28: the peer's reference model
  dim: 64,
  depth: 4,
  heads: 4,
  mlpDim: 256,
  numClasses: 10,
  pool: 'mean', // the peer script pools by mean; the paper's ViT uses a class token — both are offered
  k: null,
  layerNormEps: 1e-5,
  initStd: 0.02,
};

/** k for each layer (null entries = no Top-k in that layer). */
export function kPerLayer(c: ViTConfig): (number | null)[] {
  if (c.k === null) return new Array(c.depth).fill(null);
  if (typeof c.k === 'number') return new Array(c.depth).fill(c.k);
  return c.k.slice();
}

function positiveInt(v: unknown, field: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new HarnessInputError(`model.${field} must be a positive integer, got ${JSON.stringify(v)}`, `model.${field}`);
  }
}

/** Throws a HarnessInputError naming the field when the shapes cannot work. */
export function validateViTConfig(c: ViTConfig): void {
  for (const f of ['imageHeight', 'imageWidth', 'channels', 'patchSize', 'dim', 'depth', 'heads', 'mlpDim', 'numClasses'] as const) {
    positiveInt(c[f], f);
  }
  if (c.imageHeight % c.patchSize !== 0 || c.imageWidth % c.patchSize !== 0) {
    throw new HarnessInputError(
      `Image dimensions must be divisible by the patch size: ${c.imageHeight}x${c.imageWidth} with patchSize ${c.patchSize}. ` +
        `Allowed patch sizes for this image: ${divisors(gcd(c.imageHeight, c.imageWidth)).join(', ')}`,
      'model.patchSize',
    );
  }
  if (c.dim % c.heads !== 0) {
    throw new HarnessInputError(`model.dim (${c.dim}) must be divisible by model.heads (${c.heads})`, 'model.heads');
  }
  if (c.pool !== 'mean' && c.pool !== 'cls') {
    throw new HarnessInputError(`model.pool must be 'mean' or 'cls', got ${JSON.stringify(c.pool)}`, 'model.pool');
  }
  if (c.k !== null) {
    const ks = typeof c.k === 'number' ? [c.k] : c.k;
    if (Array.isArray(c.k) && c.k.length !== c.depth) {
      throw new HarnessInputError(`model.k has ${c.k.length} entries but model.depth is ${c.depth}: give one k per layer or a single number`, 'model.k');
    }
    for (const k of ks) {
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > c.mlpDim) {
        throw new HarnessInputError(`model.k must be an integer in [1, mlpDim=${c.mlpDim}], got ${JSON.stringify(k)}`, 'model.k');
      }
    }
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/** Tokens per image (without a class token). */
export function numPatches(c: ViTConfig): number {
  return (c.imageHeight / c.patchSize) * (c.imageWidth / c.patchSize);
}

/** Tokens per image: the patches, plus the class token with cls pooling. */
export function tokensPerImage(c: ViTConfig): number {
  return numPatches(c) + (c.pool === 'cls' ? 1 : 0);
}

/** Forward FLOPs per image (multiply-add = 2), the formula of the peer script, extended for a class token. */
export function forwardFlops(c: ViTConfig): number {
  const n = tokensPerImage(c);
  const d = c.dim;
  const pd = c.patchSize * c.patchSize * c.channels;
  const perLayer = 2 * n * d * 3 * d + 2 * 2 * n * n * d + 2 * n * d * d + 2 * 2 * n * d * c.mlpDim;
  return 2 * numPatches(c) * pd * d + c.depth * perLayer + 2 * d * c.numClasses;
}
