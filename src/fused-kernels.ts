/**
 * The harness's own tfjs kernels: fused forms of a training step's hot spots, which a backend may register (the
 * libtorch backend does: src/backend-libtorch/kernels.ts, native/src/fused.cc and optim.cc). Callers use them only
 * when the active backend is in the matching set below and otherwise run the same math as composed tfjs ops, so a
 * backend without them (wasm, cpu) is unaffected. Tests remove a backend from a set to compare both paths on it.
 *
 * Inputs, attributes and outputs of each kernel (shapes: T tokens, D/I/O widths, N the softmax axis):
 */
export const FUSED_KERNELS = {
  /** {param, grad, m, v}; {lr, beta1, beta2, epsilon, weightDecay (0: none), c1 = 1−beta1^t, c2 = 1−beta2^t} → [p', m', v']. */
  adamW: 'TopkHarnessAdamW',
  /** {x [T,D], gain [D], bias [D]}; {epsilon} → [y [T,D], mean [T], rstd [T]] (biased variance, as PyTorch). */
  layerNorm: 'TopkHarnessLayerNorm',
  /**
   * {dy, x [T,D], gain [D], mean [T], rstd [T], addend? [T,D]} → [dx [T,D], dGain [D], dBias [D]]; with addend, dx +
   * addend (a residual block's input gradient; libtorch only).
   */
  layerNormGrad: 'TopkHarnessLayerNormGrad',
  /** {x [..., N]}; {scale > 0} → softmax(scale·x) over the last axis. */
  softmax: 'TopkHarnessSoftmax',
  /** {dy, y [..., N]}; {scale} → scale·y⊙(dy − Σ_N dy⊙y). */
  softmaxGrad: 'TopkHarnessSoftmaxGrad',
  /** {x [T,D]}; {k (0: ReLU only)} → ReLU(x) with entries below the row's k-th largest zeroed (models/topk.ts's rule). */
  reluTopK: 'TopkHarnessReluTopK',
  /** {dy, y} → dy where y > 0, else 0. */
  reluGrad: 'TopkHarnessReluGrad',
  /** {x [T,I], w [I,O], bias [O]} → x·w + bias. */
  linear: 'TopkHarnessLinear',
  /** {dy [T,O], x [T,I], w [I,O]} → [dx [T,I], dw [I,O], dBias [O]]. */
  linearGrad: 'TopkHarnessLinearGrad',
  /** {x [T,I], w [I,O], bias [O], r [T,O]} → x·w + bias + r (a residual block's output; libtorch only). */
  linearResidual: 'TopkHarnessLinearResidual',
  /**
   * {q, k, v [B·N, D]}; {batch B, heads H, scale} → [out [B·N, D], probs [B·H, N, N]]: per sequence and head (columns
   * [h·dh, (h+1)·dh)), probs = softmax(scale·Q·Kᵀ) over keys and out = probs·V. Models on a backend without it
   * run attention as separate ops (vit.ts).
   */
  attention: 'TopkHarnessAttention',
  /** {dy [B·N, D], q, k, v, probs}; {batch, heads, scale} → [dq, dk, dv [B·N, D]]. */
  attentionGrad: 'TopkHarnessAttentionGrad',
  /**
   * {x [B·N, D], wq, wk, wv [D, D], bq, bk, bv [D]}; {batch, heads, scale} → [out [B·N, D], probs [B·H, N, N], qkv
   * [B·N, 3·D]]: attention's three projections as one product (qkv = x·[wq|wk|wv] + [bq|bk|bv]), then attention
   * as above on its column blocks; qkv is for the gradient. Registered by the libtorch backend only.
   */
  qkvAttention: 'TopkHarnessQkvAttention',
  /** {dy [B·N, D], x, qkv, probs, wq, wk, wv}; {batch, heads, scale} → [dx, dwq, dwk, dwv, dbq, dbk, dbv]. */
  qkvAttentionGrad: 'TopkHarnessQkvAttentionGrad',
  /**
   * {x [T, D], w1 [D, F], b1 [F], w2 [F, O], b2 [O], residual? [T, O]}; {k (0: ReLU only), counts (0 or 1)} → [y [T,
   * O], a [T, F]] (+ [counts [F]] with counts 1): the MLP block, a = reluTopK(x·w1 + b1, k), y = a·w2 + b2 (+ residual),
   * and a's positive counts per column (positiveCounts). The same operations as those kernels, so the same bits.
   * libtorch only.
   */
  mlp: 'TopkHarnessMlp',
  /** {dy [T, O], x, a, w1, w2} → [dx, dw1, db1, dw2, db2]. */
  mlpGrad: 'TopkHarnessMlpGrad',
  /**
   * {x [T, D]} → [D]: per column, the rows where x > 0 (exact integer counts as float32; NaN is not > 0). The MLP
   * activation probes (neuron firing, nonzero fraction) in one pass instead of step, sum and mean. No gradient.
   */
  positiveCounts: 'TopkHarnessPositiveCounts',
} as const;

/** Backends whose AdamW steps run FUSED_KERNELS.adamW (src/train/adamw.ts). */
export const fusedAdamWBackends = new Set(['libtorch']);

/** Backends whose ViT layers run the fused layer kernels (src/models/fused.ts). */
export const fusedLayerBackends = new Set(['libtorch']);

/**
 * Of those, the backends whose blocks run each half as one op (fused.ts fusedAttentionBlock, fusedMlpBlock) where the
 * kernels are there; without, the same layers as separate fused ops and tf.add, with the same bits (tests compare).
 */
export const fusedBlockBackends = new Set(['libtorch']);
