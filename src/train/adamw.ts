/**
 * AdamW (Loshchilov & Hutter): Adam moments with bias correction, plus decoupled weight decay p ← p − lr·wd·p on
 * the parameters the model marks as decayed. Written out (not tf.train.adam) so that its state (step, m, v) can be
 * checkpointed by parameter name and a resumed run continues bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, fusedAdamWBackends } from '../fused-kernels.js';

// On the backends in fusedAdamWBackends (libtorch) each parameter's update is one kernel, FUSED_KERNELS.adamW, which
// computes [p', m', v'] in one pass with the same float32 operations as the formula below; every other backend runs
// the formula as tfjs ops.
export { fusedAdamWBackends };

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

export class AdamW {
  /** Optimiser steps taken so far. */
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly decayed: (name: string) => boolean,
    private readonly opts: AdamWOptions,
  ) {
    for (const [name, p] of params) {
      const zeros = tf.zerosLike(p);
      this.m.set(name, tf.variable(zeros, false)); // both variables share the zeros' data (tfjs counts references)
      this.v.set(name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  /** One update with learning rate lr. `grads` maps parameter names to gradients (disposed by the caller). */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.opts;
    const c1 = 1 - Math.pow(beta1, this.step);
    const c2 = 1 - Math.pow(beta2, this.step);
    const fused = fusedAdamWBackends.has(tf.getBackend());
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads[name];
        if (!g) throw new Error(`AdamW: no gradient for ${name}`);
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        if (fused) {
          const wd = weightDecay > 0 && this.decayed(name) ? weightDecay : 0;
          const attrs = { lr, beta1, beta2, epsilon, weightDecay: wd, c1, c2 };
          const [p1, m1, v1] = tf.engine().runKernel(FUSED_KERNELS.adamW, { param: p, grad: g, m, v }, attrs) as tf.Tensor[];
          m.assign(m1);
          v.assign(v1);
          p.assign(p1);
          continue; // the outputs are disposed by the tidy; the variables keep their data
        }
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(m1);
        v.assign(v1);
        // update = lr · m̂ / (√v̂ + ε), with m̂ = m/c1, v̂ = v/c2
        let update = tf.div(tf.mul(m1, lr / c1), tf.add(tf.sqrt(tf.div(v1, c2)), epsilon));
        if (weightDecay > 0 && this.decayed(name)) update = tf.add(update, tf.mul(p, lr * weightDecay));
        p.assign(tf.sub(p, update));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
