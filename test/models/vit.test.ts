import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { forwardFlops, numPatches, ViTConfig, VIT_DEFAULTS } from '../../src/models/config.js';
import { attentionLayout, setAttentionLayout, ViT } from '../../src/models/vit.js';
import { HarnessInputError } from '../../src/errors.js';
import { useTestBackend } from '../support/backend.js';

const small: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, channels: 1, patchSize: 4, dim: 16, depth: 2, heads: 2, mlpDim: 32, numClasses: 5 };

function input(b: number, c: ViTConfig): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: b * c.imageHeight * c.imageWidth * c.channels }, (_, i) => ((i * 7919) % 256) / 255), [b, c.imageHeight, c.imageWidth, c.channels]);
}

describe('ViT', () => {
  before(useTestBackend);

  it('has the parameter count of the peer reference model (204,938)', () => {
    const m = new ViT(VIT_DEFAULTS, 0);
    expect(m.parameterCount()).to.equal(204938);
    // forward FLOPs of the reference config, hand-computed with the peer script's formula:
    // n=49, d=64, pd=16: 2·49·16·64 + 4·(2·49·64·192 + 4·49·49·64 + 2·49·64·64 + 4·49·64·256) + 2·64·10
    expect(forwardFlops(VIT_DEFAULTS)).to.equal(2 * 49 * 16 * 64 + 4 * (2 * 49 * 64 * 192 + 4 * 49 * 49 * 64 + 2 * 49 * 64 * 64 + 4 * 49 * 64 * 256) + 2 * 64 * 10);
    m.dispose();
  });

  for (const [h, w, ch, p, pool] of [[28, 28, 1, 4, 'mean'], [28, 28, 1, 7, 'cls'], [32, 32, 3, 4, 'mean'], [32, 32, 3, 8, 'cls'], [24, 40, 3, 8, 'mean']] as const) {
    it(`maps [B, ${h}, ${w}, ${ch}] with patch ${p} and ${pool} pooling to [B, classes]`, () => {
      const c: ViTConfig = { ...small, imageHeight: h, imageWidth: w, channels: ch, patchSize: p, pool };
      const m = new ViT(c, 1);
      const out = m.forward(input(3, c), { nonzeroFraction: true, neuronFiring: true });
      expect(out.logits.shape).to.deep.equal([3, 5]);
      expect(out.nonzeroFraction).to.have.length(2);
      expect(out.neuronFiring![0].shape).to.deep.equal([32]);
      // neuron firing counts sum to nonzero fraction × tokens × d_ff
      const tokens = 3 * (numPatches(c) + (pool === 'cls' ? 1 : 0));
      const fired = tf.sum(out.neuronFiring![0]).arraySync() as number;
      expect(fired / (tokens * 32)).to.be.closeTo(out.nonzeroFraction![0].arraySync() as number, 1e-6);
      m.dispose();
    });
  }

  it('rejects an image size not divisible by the patch size, naming both and the allowed sizes', () => {
    expect(() => new ViT({ ...small, imageHeight: 28, imageWidth: 28, patchSize: 5 }, 0)).to.throw(
      HarnessInputError,
      'Image dimensions must be divisible by the patch size: 28x28 with patchSize 5. Allowed patch sizes for this image: 1, 2, 4, 7, 14, 28',
    );
  });

  it('rejects dim not divisible by heads and k outside [1, mlpDim]', () => {
    expect(() => new ViT({ ...small, dim: 18, heads: 4 }, 0)).to.throw('model.dim (18) must be divisible by model.heads (4)');
    expect(() => new ViT({ ...small, k: 33 }, 0)).to.throw('model.k must be an integer in [1, mlpDim=32], got 33');
    expect(() => new ViT({ ...small, k: [4] }, 0)).to.throw('model.k has 1 entries but model.depth is 2');
  });

  it('holds exactly one tensor per parameter and frees them all on dispose', () => {
    const before = tf.memory().numTensors;
    const m = new ViT(small, 0);
    expect(tf.memory().numTensors - before).to.equal(m.params.size);
    m.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('starts the vanilla and the Top-k model from identical weights', () => {
    const a = new ViT(small, 42);
    const b = new ViT({ ...small, k: 4 }, 42);
    for (const [name, v] of a.params) expect(Array.from(v.dataSync())).to.deep.equal(Array.from(b.params.get(name)!.dataSync()));
    const c = new ViT(small, 43);
    expect(Array.from(c.params.get('block0.mlp.fc1.w')!.dataSync())).to.not.deep.equal(Array.from(a.params.get('block0.mlp.fc1.w')!.dataSync()));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('with k = d_ff computes exactly what the vanilla model computes', () => {
    const a = new ViT(small, 3);
    const b = new ViT({ ...small, k: small.mlpDim }, 3);
    const x = input(4, small);
    expect(Array.from(b.forward(x).logits.dataSync())).to.deep.equal(Array.from(a.forward(x).logits.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('Top-k never exceeds k/d_ff nonzeros per token; a fresh vanilla model fires about half its neurons', () => {
    const k = 4;
    const t = new ViT({ ...small, k }, 5);
    const v = new ViT({ ...VIT_DEFAULTS }, 5);
    const nzT = t.forward(input(8, small), { nonzeroFraction: true }).nonzeroFraction!.map((s) => s.arraySync() as number);
    for (const f of nzT) expect(f).to.be.at.most(k / small.mlpDim + 1e-9);
    const nzV = v.forward(input(8, VIT_DEFAULTS), { nonzeroFraction: true }).nonzeroFraction!.map((s) => s.arraySync() as number);
    for (const f of nzV) expect(f).to.be.within(0.4, 0.6);
    t.dispose();
    v.dispose();
  });

  it('gives the same logits on the wasm and cpu backends', async () => {
    const m = new ViT({ ...small, k: 6 }, 9);
    const x = input(2, small);
    const wasm = Array.from(m.forward(x).logits.dataSync());
    const names = [...m.params.keys()];
    const values = names.map((n) => m.params.get(n)!.dataSync().slice());
    await tf.setBackend('cpu');
    try {
      const m2 = new ViT({ ...small, k: 6 }, 9);
      names.forEach((n, i) => m2.params.get(n)!.assign(tf.tensor(values[i], m2.params.get(n)!.shape)));
      const cpu = Array.from(m2.forward(tf.tensor4d(x.dataSync(), x.shape)).logits.dataSync());
      cpu.forEach((v, i) => expect(v).to.be.closeTo(wasm[i], 1e-4));
      m2.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
    m.dispose();
  });

  it('runs attention in the grouped layout on this backend; the batched layout gives the same logits (1e-4)', () => {
    expect(attentionLayout()).to.equal('grouped');
    const c: ViTConfig = { ...small, heads: 4, pool: 'cls' };
    const m = new ViT(c, 2);
    const x = input(3, c);
    const grouped = m.forward(x).logits.dataSync().slice();
    setAttentionLayout('batched');
    let batched: Float32Array;
    try {
      batched = m.forward(x).logits.dataSync().slice() as Float32Array;
    } finally {
      setAttentionLayout(null);
    }
    let diff = 0, scale = 1e-3;
    grouped.forEach((g, i) => {
      diff = Math.max(diff, Math.abs(g - batched[i]));
      scale = Math.max(scale, Math.abs(g));
    });
    expect(diff / scale).to.be.below(1e-4);
    m.dispose();
  });
});
