/**
 * Vision Transformer, vanilla or Top-k (docs/conventions.md#top-k): patch embedding by reshape, learned position embedding,
 * pre-LN blocks (multi-head attention, MLP with ReLU), mean pooling or a class token, LayerNorm, linear head.
 * The Top-k ViT is this model with config.k set: after the MLP's ReLU each token keeps its k largest activations.
 *
 * Written functionally over named tf.Variables so that every product takes wasm's fast paths (see ops.ts) and
 * the weights can be checkpointed by name. Activations are 2-D [T, D] with T = B·N tokens wherever possible.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ViTConfig, kPerLayer, numPatches, validateViTConfig } from './config.js';
import { constant, truncatedNormal } from './init.js';
import {
  fusedAttention, fusedAttentionAvailable, fusedAttentionBlock, fusedBlocksAvailable, fusedMlp, fusedMlpAvailable, fusedMlpBlock, fusedQkvAttention,
  fusedQkvAttentionAvailable, layerNorm, linear, type LinearParams, type NormParams, positiveCounts, reluTopK, scaledSoftmax,
} from './fused.js';
import { groupedMatMul } from './ops.js';

/** What forward() measures besides the logits, chosen per call so training pays only for what it asks. */
export interface ForwardOptions {
  /** Per layer: fraction of MLP activations that are strictly positive (after the Top-k mask), as a scalar. */
  nonzeroFraction?: boolean;
  /** Per layer: for each of the d_ff neurons, the number of tokens on which it fired ([d_ff] counts). */
  neuronFiring?: boolean;
}

export interface ForwardResult {
  /** [B, numClasses] unnormalised scores. */
  logits: tf.Tensor2D;
  /** One scalar per layer when asked: mean over tokens of (#nonzero / d_ff). */
  nonzeroFraction?: tf.Scalar[];
  /** One [d_ff] tensor per layer when asked: tokens on which each neuron was nonzero. */
  neuronFiring?: tf.Tensor1D[];
}

export class ViT {
  readonly config: ViTConfig;
  /** Parameters by name, in creation order (the checkpoint order). */
  readonly params = new Map<string, tf.Variable>();
  private readonly ks: (number | null)[];

  /** Builds and initialises the model; weights are drawn from rngFor(seed, 'init', <parameter name>). */
  constructor(config: ViTConfig, seed: number) {
    validateViTConfig(config);
    this.config = config;
    this.ks = kPerLayer(config);
    const { dim: d, mlpDim: f, channels, patchSize: p, numClasses, initStd: std } = config;
    const tokens = numPatches(config) + (config.pool === 'cls' ? 1 : 0);
    const w = (name: string, shape: number[]) => this.add(name, shape, truncatedNormal(size(shape), std, seed, name));
    const zeros = (name: string, shape: number[]) => this.add(name, shape, constant(size(shape), 0));
    const ones = (name: string, shape: number[]) => this.add(name, shape, constant(size(shape), 1));

    w('patch.w', [p * p * channels, d]);
    zeros('patch.b', [d]);
    w('pos', [tokens, d]);
    if (config.pool === 'cls') w('cls', [1, d]);
    for (let i = 0; i < config.depth; i++) {
      const b = `block${i}`;
      ones(`${b}.ln1.g`, [d]);
      zeros(`${b}.ln1.b`, [d]);
      for (const m of ['q', 'k', 'v', 'o']) {
        w(`${b}.attn.${m}.w`, [d, d]); // separate Q, K, V: a fused QKV's split costs more than it saves on wasm
        zeros(`${b}.attn.${m}.b`, [d]);
      }
      ones(`${b}.ln2.g`, [d]);
      zeros(`${b}.ln2.b`, [d]);
      w(`${b}.mlp.fc1.w`, [d, f]);
      zeros(`${b}.mlp.fc1.b`, [f]);
      w(`${b}.mlp.fc2.w`, [f, d]);
      zeros(`${b}.mlp.fc2.b`, [d]);
    }
    ones('norm.g', [d]);
    zeros('norm.b', [d]);
    w('head.w', [d, numClasses]);
    zeros('head.b', [numClasses]);
  }

  private add(name: string, shape: number[], values: Float32Array): void {
    const init = tf.tensor(values, shape, 'float32');
    this.params.set(name, tf.variable(init, true, `${name}_${uid()}`)); // the variable copies init
    init.dispose();
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** Total number of trainable scalars. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Parameters that AdamW decays: matrices and embeddings, not biases or LayerNorm gains. */
  isDecayed(name: string): boolean {
    return name.endsWith('.w') || name === 'pos' || name === 'cls';
  }

  /** x [B, H, W, C] float32 (pixels scaled to [0,1]) → logits [B, numClasses], plus requested measurements. */
  forward(x: tf.Tensor4D, opts: ForwardOptions = {}): ForwardResult {
    const c = this.config;
    const [bsz, hgt, wid, ch] = x.shape;
    if (hgt !== c.imageHeight || wid !== c.imageWidth || ch !== c.channels) {
      throw new Error(`ViT expects [B, ${c.imageHeight}, ${c.imageWidth}, ${c.channels}] input, got [${x.shape.join(', ')}]`);
    }
    const p = c.patchSize;
    const gh = hgt / p;
    const gw = wid / p;
    const n = gh * gw;
    const d = c.dim;
    // Patchify by reshape: [B, H, W, C] → [B·gh, P, gw, P·C] → [B·gh, gw, P, P·C] → [B·N, P·P·C]; patch vector order (py, px, c).
    const patches = tf.reshape(tf.transpose(tf.reshape(x, [bsz * gh, p, gw, p * ch]), [0, 2, 1, 3]), [bsz * n, p * p * ch]);
    let h = this.linear(patches as tf.Tensor2D, 'patch'); // [B·N, D]
    let tokens = n;
    if (c.pool === 'cls') {
      const cls = tf.tile(tf.reshape(this.p('cls'), [1, 1, d]), [bsz, 1, 1]); // [B, 1, D]
      h = tf.reshape(tf.concat([cls, tf.reshape(h, [bsz, n, d])], 1), [bsz * (n + 1), d]);
      tokens = n + 1;
    }
    h = tf.reshape(tf.add(tf.reshape(h, [bsz, tokens, d]), this.p('pos')), [bsz * tokens, d]); // + pos [N, D]

    const nonzero: tf.Scalar[] = [];
    const firing: tf.Tensor1D[] = [];
    for (let i = 0; i < c.depth; i++) {
      const b = `block${i}`;
      const probes = opts.nonzeroFraction === true || opts.neuronFiring === true;
      let fired: tf.Tensor1D | undefined; // [d_ff] tokens on which each neuron is strictly positive
      if (fusedBlocksAvailable() && forcedLayout() === null) {
        // each half of the block as one op (fused.ts): the same bits as the separate ops below
        const lin = (n: string) => this.linearParams(`${b}.${n}`);
        h = fusedAttentionBlock(h, this.normParams(`${b}.ln1`), c.layerNormEps, lin('attn.q'), lin('attn.k'), lin('attn.v'), lin('attn.o'), bsz, c.heads);
        ({ y: h, counts: fired } = fusedMlpBlock(h, this.normParams(`${b}.ln2`), c.layerNormEps, lin('mlp.fc1'), lin('mlp.fc2'), this.ks[i], probes));
      } else {
        h = tf.add(h, this.attention(this.layerNorm(h, `${b}.ln1`), bsz, tokens, b)) as tf.Tensor2D;
        const x2 = this.layerNorm(h, `${b}.ln2`);
        let y: tf.Tensor2D;
        if (fusedMlpAvailable()) {
          const fc1 = this.linearParams(`${b}.mlp.fc1`), fc2 = this.linearParams(`${b}.mlp.fc2`);
          ({ y, counts: fired } = fusedMlp(x2, fc1.w, fc1.b, fc2.w, fc2.b, this.ks[i], probes));
        } else {
          const a = this.mlpActivation(x2, b, this.ks[i]); // [T, d_ff]
          if (probes) fired = positiveCounts(a);
          y = this.linear(a, `${b}.mlp.fc2`);
        }
        h = tf.add(h, y) as tf.Tensor2D;
      }
      if (fired !== undefined) {
        if (opts.nonzeroFraction) nonzero.push(tf.div(tf.sum(fired), h.shape[0] * c.mlpDim) as tf.Scalar); // mean over tokens and neurons
        if (opts.neuronFiring) firing.push(fired);
      }
    }
    h = this.layerNorm(h, 'norm');
    const pooled =
      c.pool === 'cls'
        ? tf.reshape(tf.slice(tf.reshape(h, [bsz, tokens, d]), [0, 0, 0], [bsz, 1, d]), [bsz, d])
        : tf.mean(tf.reshape(h, [bsz, tokens, d]), 1); // [B, D]
    const logits = this.linear(pooled as tf.Tensor2D, 'head'); // [B, classes]
    const out: ForwardResult = { logits };
    if (opts.nonzeroFraction) out.nonzeroFraction = nonzero;
    if (opts.neuronFiring) out.neuronFiring = firing;
    return out;
  }

  /** x [T, in] → [T, out] through `${name}.w`, `${name}.b`. */
  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const { w, b } = this.linearParams(name);
    return linear(x, w, b);
  }

  /** The weight and bias of linear layer `name`. */
  private linearParams(name: string): LinearParams {
    return { w: this.p(`${name}.w`) as tf.Tensor2D, b: this.p(`${name}.b`) as tf.Tensor1D };
  }

  /** The gain and bias of LayerNorm `name`. */
  private normParams(name: string): NormParams {
    return { gain: this.p(`${name}.g`) as tf.Tensor1D, bias: this.p(`${name}.b`) as tf.Tensor1D };
  }

  /** LayerNorm over the last axis of [T, D] (biased variance, as PyTorch). */
  private layerNorm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const { gain, bias } = this.normParams(name);
    return layerNorm(x, gain, bias, this.config.layerNormEps);
  }

  /** ReLU(x·W1 + b1), then the Top-k mask when this layer has a k: [T, D] → [T, d_ff]. */
  private mlpActivation(x: tf.Tensor2D, block: string, k: number | null): tf.Tensor2D {
    return reluTopK(this.linear(x, `${block}.mlp.fc1`), k);
  }

  /**
   * Multi-head self-attention on x [B·N, D]: with its projections as one fused kernel pair where the backend has it
   * (libtorch), the attention alone as one (wasm), else in the
   * layout the active backend runs fastest (attentionLayout()): 'grouped' (cpu) or 'batched' (libtorch). A forced
   * layout bypasses the fused kernel. Same parameters and math; outputs equal up to float rounding.
   */
  private attention(x: tf.Tensor2D, bsz: number, n: number, block: string): tf.Tensor2D {
    const { dim: d, heads: hd } = this.config;
    const dh = d / hd;
    if (fusedQkvAttentionAvailable() && forcedLayout() === null) {
      const [q, k, v] = ['q', 'k', 'v'].map((n) => this.linearParams(`${block}.attn.${n}`));
      return this.linear(fusedQkvAttention(x, q.w, k.w, v.w, q.b, k.b, v.b, bsz, hd), `${block}.attn.o`);
    }
    const q = this.linear(x, `${block}.attn.q`); // [T, D]
    const k = this.linear(x, `${block}.attn.k`);
    const v = this.linear(x, `${block}.attn.v`);
    if (fusedAttentionAvailable() && forcedLayout() === null) return this.linear(fusedAttention(q, k, v, bsz, hd), `${block}.attn.o`);
    const merged = attentionLayout() === 'batched' ? batchedHeads(q, k, v, bsz, n, hd, dh) : groupedHeads(q, k, v, bsz, n, hd, dh);
    return this.linear(merged, `${block}.attn.o`);
  }

  /** Free the weights. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let counter = 0;
/** tfjs variable names are global: suffix them so several models can coexist. */
function uid(): number {
  return counter++;
}

/** How attention's per-head products are laid out: see ViT.attention. */
export type AttentionLayout = 'grouped' | 'batched';

let layoutOverride: AttentionLayout | null = null;

/**
 * Forces a layout for every backend (null: choose per backend). For tests and speed comparisons; the env variable
 * TOPK_VIT_ATTENTION=grouped|batched does the same for a whole process.
 */
export function setAttentionLayout(layout: AttentionLayout | null): void {
  layoutOverride = layout;
}

/** The layout forced by setAttentionLayout or TOPK_VIT_ATTENTION, else null. A forced layout bypasses the fused kernel. */
function forcedLayout(): AttentionLayout | null {
  if (layoutOverride) return layoutOverride;
  const env = typeof process !== 'undefined' ? process.env?.TOPK_VIT_ATTENTION : undefined;
  return env === 'grouped' || env === 'batched' ? env : null;
}

/**
 * The layout for the active backend. 'grouped' suits wasm (XNNPACK's grouped GEMM; tfjs's batched matmul is a
 * scalar loop there) and cpu; 'batched' suits libtorch, whose BatchMatMul reads transposed operands in place
 * (BLAS flags), so the grouped layout's extra transposing copies are pure memory traffic.
 */
export function attentionLayout(): AttentionLayout {
  return forcedLayout() ?? (tf.getBackend() === 'libtorch' ? 'batched' : 'grouped');
}

/**
 * Heads as grouped products in depthwise layout (ops.ts): scores[i, g, j] = q_g[i]·k_g[j] with g = (b, head) runs
 * as one grouped GEMM. q, k, v [B·N, D] → merged heads [B·N, D]; q is scaled by 1/√dh before the product.
 */
function groupedHeads(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, bsz: number, n: number, hd: number, dh: number): tf.Tensor2D {
  const g = bsz * hd;
  const qs = tf.mul(q, 1 / Math.sqrt(dh)); // [T, D]
  const q3 = tf.reshape(tf.transpose(tf.reshape(qs, [bsz, n, hd, dh]), [1, 3, 0, 2]), [n, dh, g]) as tf.Tensor3D; // [N, dh, G]
  const kT = tf.reshape(tf.transpose(tf.reshape(k, [bsz, n, hd, dh]), [3, 0, 2, 1]), [dh, g, n]) as tf.Tensor3D; // [dh, G, N]
  const att = tf.softmax(groupedMatMul(q3, kT)); // [Nq, G, Nk], softmax over keys
  const v3 = tf.reshape(tf.transpose(tf.reshape(v, [bsz, n, hd, dh]), [1, 0, 2, 3]), [n, g, dh]) as tf.Tensor3D; // [Nk, G, dh]
  const o = groupedMatMul(tf.transpose(att, [0, 2, 1]) as tf.Tensor3D, v3); // [Nq, Nk, G] x [Nk, G, dh] → [Nq, G, dh]
  return tf.reshape(tf.transpose(tf.reshape(o, [n, bsz, hd, dh]), [1, 0, 2, 3]), [bsz * n, hd * dh]) as tf.Tensor2D; // [T, D]
}

/**
 * Heads as one batched product per stage, batch G = B·H: q, k, v [B·N, D] → [G, N, dh]; scores = q·kᵀ (kᵀ read
 * transposed, no copy on libtorch), softmax(scores/√dh) over keys (one fused kernel on libtorch), out = att·v;
 * merged heads [B·N, D].
 */
function batchedHeads(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, bsz: number, n: number, hd: number, dh: number): tf.Tensor2D {
  const split = (t: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(t, [bsz, n, hd, dh]), [0, 2, 1, 3]), [bsz * hd, n, dh]) as tf.Tensor3D;
  const att = scaledSoftmax(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dh)); // [G, Nq, Nk]
  const o = tf.matMul(att, split(v)); // [G, Nq, dh]
  return tf.reshape(tf.transpose(tf.reshape(o, [bsz, hd, n, dh]), [0, 2, 1, 3]), [bsz * n, hd * dh]) as tf.Tensor2D;
}
