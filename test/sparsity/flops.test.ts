import { expect } from 'chai';
import { forwardFlops, ViTConfig, VIT_DEFAULTS } from '../../src/models/config.js';
import { secondMatmulFlopsPerToken, sparsityFlops } from '../../src/sparsity/flops.js';
import { tokensPerImage } from '../../src/models/config.js';

describe('sparsity FLOPs', () => {
  // 16×16 image, patch 8: 4 patches; d_model 8, d_ff 32, two layers
  const c: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 16, imageWidth: 16, channels: 1, patchSize: 8, dim: 8, depth: 2, heads: 2, mlpDim: 32, numClasses: 3 };

  it('the second MLP matmul costs 2·d_model·s per token', () => {
    expect(secondMatmulFlopsPerToken(768, 3072)).to.equal(4_718_592); // dense ViT-B: 2·768·3072
    expect(secondMatmulFlopsPerToken(768, 128)).to.equal(196_608); // Top-128
    expect(secondMatmulFlopsPerToken(8, 0)).to.equal(0);
  });

  it('matches a hand calculation per layer, for the MLPs and for the whole model', () => {
    // layer 0: 25% nonzero → s = 8 of 32; layer 1: 50% → s = 16
    const f = sparsityFlops(c, [0.25, 0.5]);
    expect(f.tokensPerImage).to.equal(4);
    // per layer, per image: dense 4 tokens · 2·8·32 = 2048; effective 4 · 2·8·8 = 512 and 4 · 2·8·16 = 1024
    expect(f.perLayer).to.deep.equal([
      { dense: 2048, effective: 512, saving: 0.75 },
      { dense: 2048, effective: 1024, saving: 0.5 },
    ]);
    expect(f.secondMatmul).to.deep.equal({ dense: 4096, effective: 1536, saving: 1 - 1536 / 4096 });
    // MLPs: 2 layers · 4 tokens · (2·8·32 + 2·32·8) = 8192 dense; 2560 skipped
    expect(f.mlp).to.deep.equal({ dense: 8192, effective: 8192 - 2560, saving: 2560 / 8192 });
    // whole model: forwardFlops by hand for this config, n = 4, d = 8, pd = 64:
    // 2·4·64·8 + 2·(2·4·8·24 + 4·4·4·8 + 2·4·8·8 + 4·4·8·32) + 2·8·3 = 4096 + 2·(1536 + 512 + 512 + 4096) + 48 = 17,456
    expect(forwardFlops(c)).to.equal(17_456);
    expect(f.model.dense).to.equal(17_456);
    expect(f.model.effective).to.equal(17_456 - 2560);
    expect(f.model.saving).to.be.closeTo(2560 / 17_456, 1e-15);
  });

  it('a dense model saves nothing and a class token adds one token per image', () => {
    const f = sparsityFlops(c, [1, 1]);
    expect([f.secondMatmul.saving, f.mlp.saving, f.model.saving]).to.deep.equal([0, 0, 0]);
    const cls = { ...c, pool: 'cls' as const };
    expect(tokensPerImage(cls)).to.equal(5);
    expect(sparsityFlops(cls, [0, 0]).perLayer[0]).to.deep.equal({ dense: 5 * 2 * 8 * 32, effective: 0, saving: 1 });
  });

  it('reproduces the paper\'s arithmetic: 2.7% nonzero saves 97.3% of the second matmul', () => {
    const b16: ViTConfig = { ...VIT_DEFAULTS, imageHeight: 224, imageWidth: 224, channels: 3, patchSize: 16, dim: 768, depth: 12, heads: 12, mlpDim: 3072, numClasses: 1000, pool: 'cls' };
    const f = sparsityFlops(b16, new Array(12).fill(0.027));
    expect(f.secondMatmul.saving).to.be.closeTo(0.973, 1e-12);
    expect(f.mlp.saving).to.be.closeTo(0.973 / 2, 1e-12);
  });

  it('rejects a wrong number of layers or a fraction outside [0, 1]', () => {
    expect(() => sparsityFlops(c, [0.5])).to.throw(RangeError, 'sparsityFlops: 1 nonzero fractions for a model of depth 2');
    expect(() => sparsityFlops(c, [0.5, 1.5])).to.throw(RangeError, 'sparsityFlops: nonzero fraction of layer 1 is 1.5, outside [0, 1]');
  });
});
