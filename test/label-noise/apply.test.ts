import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import { applyLabelNoise, parseNoiseSpec, type LabelNoiseReport } from '../../src/label-noise/index.js';
import { balancedLabels, binomialSd, expectWithinSd, randomLabels } from './helpers.js';

const N = 20000;

/** sd of the changed count under independent selection: Σ_c n_c π_c (1 − π_c). */
function independentSd(report: LabelNoiseReport): number {
  let v = 0;
  report.counts.perClass.forEach((n, c) => {
    const pi = 1 - report.expectedTransition[c][c];
    v += n * pi * (1 - pi);
  });
  return Math.sqrt(v);
}

/**
 * Each realised entry within k sd of the expected one (binomial per row). Entries whose expected count is too
 * small for the normal approximation (n·t·(1−t) < 10, e.g. 100 classes) are skipped; their row's diagonal is
 * still checked.
 */
function expectTransitionClose(report: LabelNoiseReport, k = 5): void {
  report.realisedTransition.forEach((row, i) => {
    const n = report.counts.perClass[i];
    if (n === 0) return;
    row.forEach((v, j) => {
      const t = report.expectedTransition[i][j];
      if (j !== i && n * t * (1 - t) < 10) return;
      const sd = Math.sqrt((t * (1 - t)) / n);
      expect(Math.abs(v - t), `T[${i}][${j}] realised ${v}, expected ${t}`).to.be.at.most(k * sd + 1e-12);
    });
  });
}

describe('applyLabelNoise: realised rates match the noise model', () => {
  // Golden expected fractions: REFERENCE.md §4.1 (p(C-1)/C for uniform, p for uniform-other), §4.2 (pair-flip p),
  // §4.3 (asymmetric ≈ p × share of mapped classes = p/2 for balanced MNIST and CIFAR-10).
  const independent: [string, number, number][] = [
    ['uniform:0.4:independent', 10, 0.36],
    ['uniform:0.8:independent', 100, 0.792],
    ['uniform-other:0.2', 10, 0.2],
    ['uniform-other:0.5', 3, 0.5],
    ['pair-flip:0.45', 10, 0.45],
    ['asymmetric:0.4:mnist', 10, 0.2],
    ['asymmetric:0.4:cifar10', 10, 0.2],
  ];
  for (const [text, C, golden] of independent) {
    it(`${text}, C = ${C}, independent: changed fraction ≈ ${golden}`, () => {
      const labels = C === 10 ? balancedLabels(N, C) : randomLabels(N, C);
      const { report } = applyLabelNoise(labels, C, parseNoiseSpec(text), 7);
      expect(report.mode).to.equal('independent');
      expect(report.expectedChangedFraction).to.be.closeTo(golden, 1e-12);
      expectWithinSd(report.counts.changed, golden * N, independentSd(report));
      expectWithinSd(report.counts.selected, report.requestedRate! * N, binomialSd(N, report.requestedRate!));
      expectTransitionClose(report);
    });
  }

  it('uniform:0.4 exact (the default), C = 10: exactly floor(pN) selected, changed ~ Binomial(floor(pN), 9/10)', () => {
    const { report } = applyLabelNoise(balancedLabels(N, 10), 10, parseNoiseSpec('uniform:0.4'), 7);
    expect(report.mode).to.equal('exact');
    expect(report.counts.selected).to.equal(8000);
    expect(report.expectedChangedFraction).to.be.closeTo(0.36, 1e-12);
    expectWithinSd(report.counts.changed, 7200, binomialSd(8000, 0.9));
    expectTransitionClose(report);
  });

  it('uniform-other and pair-flip exact change exactly floor(pN) labels', () => {
    for (const [text, k] of [['uniform-other:0.2:exact', 4000], ['pair-flip:0.45:exact', 9000], ['uniform-other:0.29:exact', 5800]] as const) {
      const { report, changed } = applyLabelNoise(randomLabels(N, 10), 10, parseNoiseSpec(text), 3);
      expect(report.counts.selected, text).to.equal(k);
      expect(report.counts.changed, text).to.equal(k);
      expect(changed.reduce((a, b) => a + b, 0)).to.equal(k);
      expect(report.realisedChangedFraction).to.equal(k / N);
    }
    const small = applyLabelNoise(balancedLabels(100, 10), 10, parseNoiseSpec('pair-flip:0.29:exact'), 3);
    expect(small.report.counts.changed).to.equal(29); // floor(0.29 × 100), not floor(28.999999999999996)
  });

  it('asymmetric MNIST exact (DivideMix asym): floor(pN) selected from all classes, about half of them change', () => {
    const { report } = applyLabelNoise(balancedLabels(N, 10), 10, parseNoiseSpec('asymmetric:0.4:mnist:exact'), 5);
    expect(report.counts.selected).to.equal(8000);
    expect(report.expectedChangedFraction).to.be.closeTo(0.2, 1e-12);
    expectWithinSd(report.counts.changed, 4000, binomialSd(8000, 0.5)); // hypergeometric sd is smaller
    for (const c of [0, 1, 4, 8, 9]) expect(report.counts.changedPerClass[c]).to.equal(0);
  });

  it('asymmetric MNIST gives p × (share of mapped classes) on unbalanced labels', () => {
    const labels = new Uint8Array(N);
    for (let i = 0; i < N; i++) labels[i] = i % 4 === 0 ? 0 : 7; // 3/4 mapped class 7, 1/4 unmapped class 0
    const { report } = applyLabelNoise(labels, 10, parseNoiseSpec('asymmetric:0.4:mnist'), 11);
    expect(report.expectedChangedFraction).to.be.closeTo(0.3, 1e-12);
    expectWithinSd(report.counts.changed, 0.3 * N, binomialSd(0.75 * N, 0.4));
    expect(report.mapping).to.deep.equal([[2, 7], [3, 8], [5, 6], [6, 5], [7, 1]]);
    expect(report.counts.transition[7][1]).to.equal(report.counts.changed);
  });

  it('matrix noise follows the user matrix', () => {
    const spec = parseNoiseSpec('matrix:0.7,0.2,0.1/0,1,0/0.25,0.25,0.5');
    const { report } = applyLabelNoise(randomLabels(N, 3), 3, spec, 9);
    expect(report.requestedRate).to.equal(null);
    expect(report.counts.changedPerClass[1]).to.equal(0);
    const expected = (report.counts.perClass[0] * 0.3 + report.counts.perClass[2] * 0.5) / N;
    expect(report.expectedChangedFraction).to.be.closeTo(expected, 1e-12);
    expectWithinSd(report.counts.changed, expected * N, independentSd(report));
    expect(report.counts.selected).to.equal(report.counts.changed);
    expectTransitionClose(report);
  });
});

describe('applyLabelNoise: edge rates, determinism, report', () => {
  const kinds = ['uniform', 'uniform-other', 'pair-flip', 'asymmetric'];

  it('p = 0 changes nothing, for every kind and mode', () => {
    const labels = randomLabels(5000, 10);
    for (const kind of kinds) {
      for (const mode of ['exact', 'independent']) {
        const text = kind === 'asymmetric' ? `${kind}:0:cifar10:${mode}` : `${kind}:0:${mode}`;
        const { labels: noisy, changed, report } = applyLabelNoise(labels, 10, parseNoiseSpec(text), 1);
        expect(noisy, text).to.deep.equal(labels);
        expect(changed.every((v) => v === 0), text).to.equal(true);
        expect(report.realisedChangedFraction).to.equal(0);
        expect(report.expectedChangedFraction).to.equal(0);
        expect(report.counts.selected).to.equal(0);
      }
    }
    const identity = parseNoiseSpec('matrix:1,0/0,1');
    expect(applyLabelNoise(randomLabels(100, 2), 2, identity, 1).report.counts.changed).to.equal(0);
  });

  it('p = 1 uniform-other and pair-flip change every label, in both modes', () => {
    const labels = randomLabels(5000, 10);
    for (const text of ['uniform-other:1:exact', 'uniform-other:1:independent', 'pair-flip:1:exact', 'pair-flip:1']) {
      const { labels: noisy, changed, report } = applyLabelNoise(labels, 10, parseNoiseSpec(text), 1);
      expect(report.realisedChangedFraction, text).to.equal(1);
      expect(changed.every((v) => v === 1)).to.equal(true);
      for (let i = 0; i < labels.length; i++) expect(noisy[i]).to.not.equal(labels[i]);
    }
    const flipped = applyLabelNoise(Uint8Array.of(9, 0, 4), 10, parseNoiseSpec('pair-flip:1'), 1).labels;
    expect([...flipped]).to.deep.equal([0, 1, 5]); // C-1 goes to 0
  });

  it('same seed gives the same labels; a different seed or spec gives different ones; input untouched', () => {
    const labels = randomLabels(5000, 10);
    const copy = new Uint8Array(labels);
    for (const text of ['uniform:0.4', 'uniform:0.4:independent', 'uniform-other:0.2', 'pair-flip:0.45', 'asymmetric:0.4:mnist']) {
      const spec = parseNoiseSpec(text);
      const a = applyLabelNoise(labels, 10, spec, 42).labels;
      const b = applyLabelNoise(labels, 10, spec, 42).labels;
      const c = applyLabelNoise(labels, 10, spec, 43).labels;
      expect(a, text).to.deep.equal(b);
      expect(a, text).to.not.deep.equal(c);
      expect(a).to.not.equal(labels);
    }
    expect(labels).to.deep.equal(copy);
    // The stream is named by the canonical spec: equivalent spellings agree, different modes do not.
    const x = applyLabelNoise(labels, 10, parseNoiseSpec('uniform:0.40'), 1).labels;
    expect(applyLabelNoise(labels, 10, parseNoiseSpec('uniform:0.4:exact'), 1).labels).to.deep.equal(x);
    expect(applyLabelNoise(labels, 10, parseNoiseSpec('uniform:0.4:independent'), 1).labels).to.not.deep.equal(x);
  });

  it('realised transition rows sum to 1; a class with no examples has a zero row', () => {
    const labels = randomLabels(5000, 9); // class 9 absent
    const { report } = applyLabelNoise(labels, 10, parseNoiseSpec('uniform:0.5'), 2);
    report.realisedTransition.slice(0, 9).forEach((row) => {
      expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    });
    expect(report.realisedTransition[9]).to.deep.equal(new Array(10).fill(0));
    expect(report.counts.perClass[9]).to.equal(0);
  });

  it('changed mask marks exactly the labels that differ', () => {
    const labels = randomLabels(3000, 10);
    const { labels: noisy, changed } = applyLabelNoise(labels, 10, parseNoiseSpec('uniform:0.6'), 4);
    for (let i = 0; i < labels.length; i++) expect(changed[i]).to.equal(noisy[i] !== labels[i] ? 1 : 0);
  });

  it('the report records spec, kind, convention, rates, mode and seed', () => {
    const { report } = applyLabelNoise(balancedLabels(1000, 10), 10, parseNoiseSpec('uniform:0.4'), 'run-3');
    expect(report).to.include({
      spec: 'uniform:0.4:exact', kind: 'uniform', requestedRate: 0.4, mode: 'exact', numClasses: 10, seed: 'run-3',
    });
    expect(report.convention).to.match(/^uniform, convention \(a\)/);
    expect(report.convention).to.contain('exactly floor(p*N) examples');
    expect(report.counts).to.include({ examples: 1000, selected: 400 });
    expect(Object.keys(report)).to.include.members([
      'kind', 'convention', 'requestedRate', 'mode', 'realisedChangedFraction', 'expectedChangedFraction',
      'realisedTransition', 'expectedTransition', 'seed', 'counts',
    ]);
  });

  it('rejects a label outside [0, C) and a spec that does not fit C', () => {
    expect(() => applyLabelNoise(Uint8Array.of(1, 2, 12), 10, parseNoiseSpec('uniform:0.4'), 0))
      .to.throw(HarnessInputError, 'label 12 at index 2 is outside [0, 10)');
    expect(() => applyLabelNoise(Uint8Array.of(1), 3, parseNoiseSpec('asymmetric:0.4:mnist'), 0))
      .to.throw(HarnessInputError, "asymmetric mapping 'mnist' is for 10 classes; this dataset has 3");
  });

  it('handles an empty label array', () => {
    const { labels, report } = applyLabelNoise(new Uint8Array(0), 10, parseNoiseSpec('uniform:0.4'), 0);
    expect(labels.length).to.equal(0);
    expect(report.realisedChangedFraction).to.equal(0);
  });
});
