/**
 * FLOPs that activation sparsity makes avoidable (docs/conventions.md#flops), per image, counted as in forwardFlops
 * (one multiply-add = 2 FLOPs; biases, LayerNorm, softmax and activations not counted).
 *
 * The second MLP matmul V·a multiplies the d_ff activations a of a token by a d_ff × d_model matrix: dense it costs
 * 2·d_model·d_ff per token; skipping the zero entries of a it costs 2·d_model·s, with s the number of nonzero
 * (strictly positive, after the Top-k mask) activations of that token. Cost is linear in s, so the mean cost per
 * token is 2·d_model·s̄ with s̄ = nonzero fraction · d_ff, the mean over tokens. The first MLP matmul (K·x) is kept
 * dense: finding the active neurons without computing every <k_i, x> needs approximate search, which the paper
 * leaves open. "Effective" FLOPs are therefore dense FLOPs minus the skipped part of the second matmul.
 */
import { forwardFlops, tokensPerImage, ViTConfig } from '../models/config.js';

/** A dense and an effective FLOPs count, and the share saved. */
export interface FlopsSaving {
  /** FLOPs without using sparsity. */
  dense: number;
  /** FLOPs when the zero activations are skipped in the second MLP matmul. */
  effective: number;
  /** 1 − effective / dense, 0..1 (0 when dense is 0). */
  saving: number;
}

/** Per image: what sparsity saves in each layer's second matmul, in all second matmuls, in the MLPs and in the model. */
export interface SparsityFlops {
  /** Tokens per image (patches, plus the class token for 'cls' pooling). */
  tokensPerImage: number;
  /** Per layer, the second MLP matmul over all tokens of an image. */
  perLayer: FlopsSaving[];
  /** All layers' second MLP matmuls together. */
  secondMatmul: FlopsSaving;
  /** All MLPs, both matmuls (the first one always dense). */
  mlp: FlopsSaving;
  /** The whole forward pass (forwardFlops) with the second-matmul saving subtracted. */
  model: FlopsSaving;
}

/** FLOPs of the second MLP matmul for one token with `nonzeros` nonzero activations: 2·d_model·nonzeros. */
export function secondMatmulFlopsPerToken(dModel: number, nonzeros: number): number {
  return 2 * dModel * nonzeros;
}

function saving(dense: number, effective: number): FlopsSaving {
  return { dense, effective, saving: dense > 0 ? 1 - effective / dense : 0 };
}

/**
 * Dense and effective FLOPs per image for a model whose layers have the given nonzero fractions.
 * @param nonzeroFractionPerLayer per layer (length depth), mean over tokens of #nonzero / d_ff, each in 0..1
 */
export function sparsityFlops(c: ViTConfig, nonzeroFractionPerLayer: readonly number[]): SparsityFlops {
  if (nonzeroFractionPerLayer.length !== c.depth) {
    throw new RangeError(`sparsityFlops: ${nonzeroFractionPerLayer.length} nonzero fractions for a model of depth ${c.depth}`);
  }
  const n = tokensPerImage(c);
  const d = c.dim;
  const f = c.mlpDim;
  const perLayer = nonzeroFractionPerLayer.map((z, i) => {
    if (!(z >= 0 && z <= 1)) throw new RangeError(`sparsityFlops: nonzero fraction of layer ${i} is ${z}, outside [0, 1]`);
    return saving(n * secondMatmulFlopsPerToken(d, f), n * secondMatmulFlopsPerToken(d, z * f));
  });
  const denseSecond = perLayer.reduce((s, l) => s + l.dense, 0);
  const effectiveSecond = perLayer.reduce((s, l) => s + l.effective, 0);
  const skipped = denseSecond - effectiveSecond;
  const denseMlp = c.depth * n * (2 * d * f + 2 * f * d); // first matmul d→d_ff plus second d_ff→d
  const denseModel = forwardFlops(c);
  return {
    tokensPerImage: n,
    perLayer,
    secondMatmul: saving(denseSecond, effectiveSecond),
    mlp: saving(denseMlp, denseMlp - skipped),
    model: saving(denseModel, denseModel - skipped),
  };
}
