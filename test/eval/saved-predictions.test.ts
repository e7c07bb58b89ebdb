/** The test pass a training child saves beside its checkpoint, and when the parent may use it (eval/saved-predictions.ts). */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Predictions } from '../../src/eval/predict.js';
import { loadSavedPredictions, savedPredictionsPath, savePredictions, type PredictionSource } from '../../src/eval/saved-predictions.js';

describe('saved test predictions', () => {
  let dir: string;
  let src: PredictionSource;
  const p: Predictions = {
    probs: Float32Array.from([0.25, 0.75, 1 / 3, 2 / 3, 0.1, 0.9]),
    logits: Float32Array.from([-1.5, 0.1, 1e-30, 3.4e38, -0, 7]),
    numClasses: 2,
    count: 3,
    nonzeroFraction: [0.1 + 0.2, 1 / 3],
    neuronFiring: { tokens: 12, counts: [Float64Array.from([0, 5, 12]), Float64Array.from([1, 2, 3])] },
    seconds: 0.125,
    imagesPerSecond: 24,
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topk-saved-'));
    src = { checkpoint: path.join(dir, 'topk.ckpt'), split: 'test', fingerprint: 'abc', batchSize: 512, backend: 'wasm' };
    fs.writeFileSync(src.checkpoint, 'weights v1');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips every number exactly, beside the checkpoint', () => {
    savePredictions(src, p);
    expect(savedPredictionsPath(src.checkpoint, 'test')).to.equal(path.join(dir, 'topk.test-predictions.json'));
    expect(savedPredictionsPath(src.checkpoint, 'validation')).to.equal(path.join(dir, 'topk.validation-predictions.json'));
    const back = loadSavedPredictions(src)!;
    expect(Array.from(back.probs)).to.deep.equal(Array.from(p.probs));
    expect(Array.from(back.logits).map((v) => Object.is(v, -0) ? '-0' : v)).to.deep.equal(Array.from(p.logits).map((v) => Object.is(v, -0) ? '-0' : v));
    expect(back.nonzeroFraction).to.deep.equal(p.nonzeroFraction);
    expect(back.neuronFiring!.counts.map((c) => Array.from(c))).to.deep.equal([[0, 5, 12], [1, 2, 3]]);
    expect(back.neuronFiring!.tokens).to.equal(12);
    expect([back.count, back.numClasses, back.seconds, back.imagesPerSecond]).to.deep.equal([3, 2, 0.125, 24]);
  });

  it('is ignored when anything it was computed from differs: checkpoint bytes, split, batch size, backend', () => {
    savePredictions(src, p);
    expect(loadSavedPredictions({ ...src, fingerprint: 'abd' })).to.equal(null);
    expect(loadSavedPredictions({ ...src, split: 'validation' })).to.equal(null);
    expect(loadSavedPredictions({ ...src, batchSize: 256 })).to.equal(null);
    expect(loadSavedPredictions({ ...src, backend: 'cpu' })).to.equal(null);
    fs.writeFileSync(src.checkpoint, 'weights v2');
    expect(loadSavedPredictions(src)).to.equal(null);
  });

  it('is ignored when absent or damaged, or when the checkpoint is gone', () => {
    expect(loadSavedPredictions(src)).to.equal(null);
    savePredictions(src, p);
    fs.writeFileSync(savedPredictionsPath(src.checkpoint, 'test'), '{"format": "topk-harness predictions v1", "probs": ');
    expect(loadSavedPredictions(src)).to.equal(null);
    savePredictions(src, p);
    fs.rmSync(src.checkpoint);
    expect(loadSavedPredictions(src)).to.equal(null);
  });
});
