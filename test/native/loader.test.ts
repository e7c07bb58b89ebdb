/**
 * Loading the libtorch backend: the clear error when the addon is absent (runs everywhere), OpenBLAS's core type
 * from the CPU flags, and what libtorchInfo() records (only where the addon is built).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { libtorchGemm, libtorchInfo, loadAddon, loadLibtorchBackend, openblasCoreTypeFromFlags } from '../../src/backend-libtorch/index.js';
import { addonBuilt } from './helpers.js';

describe('libtorch backend: loading', () => {
  it('explains how to build the addon when it is absent', () => {
    expect(() => loadAddon('/nonexistent/topk_libtorch.node')).to.throw(
      Error,
      'the libtorch addon is not built (/nonexistent/topk_libtorch.node is missing): apt-get install libtorch-dev libopenblas0-pthread, then `npm ci` builds it (or `npm run build:native`)',
    );
  });

  it('picks the OpenBLAS core type from the CPU flags', () => {
    expect(openblasCoreTypeFromFlags('flags\t: fpu sse2 avx avx2 avx512f avx512dq')).to.equal('SkylakeX');
    expect(openblasCoreTypeFromFlags('flags\t: fpu sse2 avx avx2 fma')).to.equal('Haswell');
    expect(openblasCoreTypeFromFlags('flags\t: fpu sse2 sse4_2')).to.equal(null);
    expect(openblasCoreTypeFromFlags('flags\t: avx512fp16 avx2')).to.equal('Haswell'); // avx512f must match exactly
  });

  describe('with the addon built', () => {
    before(function () {
      if (!addonBuilt) this.skip();
    });

    it('registers the backend without making it tfjs\'s default, and records what it loaded', async () => {
      const wasBackend = tf.getBackend();
      const presetCore = process.env.OPENBLAS_CORETYPE;
      await loadLibtorchBackend({ threads: 1 });
      expect(tf.findBackend('libtorch')).to.not.equal(null);
      expect(tf.getBackend()).to.equal(wasBackend);
      const info = libtorchInfo();
      expect(info.torch).to.match(/^\d+\.\d+/);
      expect(info.threads).to.equal(1);
      expect(process.env.OPENBLAS_CORETYPE ?? 'default').to.equal(info.openblasCoreType);
      if (info.openblasCoreTypeSource === 'cpu-flags') expect(info.openblasCoreType).to.equal(openblasCoreTypeFromFlags());
      if (presetCore) expect(info.openblasCoreType).to.equal(presetCore);
      expect(info.gemm).to.equal(libtorchGemm());
    });

    it('records the product library TOPK_LIBTORCH_GEMM chose, and refuses an unknown one at load', async () => {
      process.env.TOPK_LIBTORCH_GEMM = 'openblas';
      try {
        await loadLibtorchBackend({ threads: 1 });
        expect(libtorchInfo().gemm).to.equal('openblas');
        process.env.TOPK_LIBTORCH_GEMM = 'blis';
        let error: unknown;
        await loadLibtorchBackend({ threads: 1 }).catch((e: unknown) => (error = e));
        expect(String(error)).to.include("TOPK_LIBTORCH_GEMM must be onednn or openblas, got 'blis'");
      } finally {
        delete process.env.TOPK_LIBTORCH_GEMM;
      }
      await loadLibtorchBackend({ threads: 1 });
      expect(libtorchInfo().gemm).to.equal('onednn');
    });

    it('sets libtorch\'s thread count', async () => {
      await loadLibtorchBackend({ threads: 2 });
      expect(libtorchInfo().threads).to.equal(2);
      await loadLibtorchBackend({ threads: 1 });
      expect(libtorchInfo().threads).to.equal(1);
    });
  });
});
