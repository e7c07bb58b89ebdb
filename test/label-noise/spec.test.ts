import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import {
  DEFAULT_MODE,
  formatNoiseSpec,
  parseNoiseSpec,
  validateNoiseSpec,
  validateTransitionMatrix,
  type NoiseSpec,
} from '../../src/label-noise/index.js';

function errorOf(fn: () => unknown): HarnessInputError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(HarnessInputError);
    return e as HarnessInputError;
  }
  throw new Error('expected a HarnessInputError, nothing was thrown');
}

describe('noise spec parsing', () => {
  it('parses each kind and fills in the default mode', () => {
    expect(parseNoiseSpec('uniform:0.4')).to.deep.equal({ kind: 'uniform', rate: 0.4, mode: 'exact' });
    expect(parseNoiseSpec('uniform-other:0.2')).to.deep.equal({ kind: 'uniform-other', rate: 0.2, mode: 'independent' });
    expect(parseNoiseSpec('pair-flip:0.45')).to.deep.equal({ kind: 'pair-flip', rate: 0.45, mode: 'independent' });
    expect(parseNoiseSpec('asymmetric:0.4:cifar10')).to.deep.equal({
      kind: 'asymmetric', rate: 0.4, mode: 'independent', mapping: 'cifar10',
    });
    expect(parseNoiseSpec('matrix:0.8,0.2/0.3,0.7')).to.deep.equal({
      kind: 'matrix', matrix: [[0.8, 0.2], [0.3, 0.7]], mode: 'independent',
    });
    expect(DEFAULT_MODE.uniform).to.equal('exact');
  });

  it('accepts an explicit mode, whitespace and upper-case kinds', () => {
    expect(parseNoiseSpec(' Uniform : 0.8 : independent ')).to.deep.equal({ kind: 'uniform', rate: 0.8, mode: 'independent' });
    expect(parseNoiseSpec('pair-flip:0.45:exact').mode).to.equal('exact');
    expect(parseNoiseSpec('asymmetric:0.4:exact:mnist')).to.deep.equal({
      kind: 'asymmetric', rate: 0.4, mode: 'exact', mapping: 'mnist',
    });
  });

  it('chooses the asymmetric mapping from the dataset name, or takes explicit pairs', () => {
    expect(parseNoiseSpec('asymmetric:0.4', { dataset: 'mnist' })).to.include({ mapping: 'mnist' });
    expect(parseNoiseSpec('asymmetric:0.4', { dataset: 'cifar10' })).to.include({ mapping: 'cifar10' });
    // Explicit pairs win over the dataset's built-in mapping.
    expect(parseNoiseSpec('asymmetric:0.3:9=1,2=0', { dataset: 'mnist' })).to.deep.equal({
      kind: 'asymmetric', rate: 0.3, mode: 'independent', mapping: [[9, 1], [2, 0]],
    });
  });

  it('applies a separately requested mode, and rejects a conflicting one', () => {
    expect(parseNoiseSpec('uniform:0.4', { mode: 'independent' }).mode).to.equal('independent');
    expect(parseNoiseSpec('uniform:0.4:exact', { mode: 'exact' }).mode).to.equal('exact');
    expect(errorOf(() => parseNoiseSpec('uniform:0.4:exact', { mode: 'independent' })).message).to.equal(
      "noise spec 'uniform:0.4:exact': mode independent was requested but the spec says exact; give the mode once",
    );
  });

  it('formats the canonical string, which parses back to the same spec', () => {
    const cases: [string, string][] = [
      ['uniform:0.40', 'uniform:0.4:exact'],
      ['uniform-other:0.2', 'uniform-other:0.2:independent'],
      ['pair-flip:0.45:exact', 'pair-flip:0.45:exact'],
      ['asymmetric:0.4:mnist', 'asymmetric:0.4:mnist:independent'],
      ['asymmetric:0.4:9=1,2=0', 'asymmetric:0.4:2=0,9=1:independent'],
      ['matrix:0.8,0.2/0.3,0.7', 'matrix:0.8,0.2/0.3,0.7:independent'],
    ];
    for (const [input, canonical] of cases) {
      const spec = parseNoiseSpec(input);
      expect(formatNoiseSpec(spec)).to.equal(canonical);
      expect(formatNoiseSpec(parseNoiseSpec(canonical))).to.equal(canonical);
    }
  });
});

describe('noise spec errors (exact messages)', () => {
  const cases: [string, string][] = [
    ['', 'empty noise spec; expected <kind>:<rate>, e.g. uniform:0.4'],
    ['unifrom:0.4',
      "noise spec 'unifrom:0.4': unknown noise kind 'unifrom'. Did you mean uniform? Allowed: uniform, uniform-other, pair-flip, asymmetric, matrix"],
    ['pairflip:0.45',
      "noise spec 'pairflip:0.45': unknown noise kind 'pairflip'. Did you mean pair-flip? Allowed: uniform, uniform-other, pair-flip, asymmetric, matrix"],
    ['symmetric:0.2',
      "noise spec 'symmetric:0.2': noise kind 'symmetric' is ambiguous: use uniform (new label drawn from all C classes, may equal the true one; Lazy Neuron, DivideMix) or uniform-other (always a different class; Co-teaching, Patrini)"],
    ['uniform', "noise spec 'uniform': no rate; write uniform:<rate> with a fraction in [0, 1], e.g. uniform:0.4"],
    ['uniform:40%', "noise spec 'uniform:40%': rate '40%' is not a number; give a fraction in [0, 1], e.g. 0.4 for 40%"],
    ['uniform:1.5', "noise spec 'uniform:1.5': rate 1.5 is outside [0, 1]; give a fraction, e.g. 0.4 for 40%"],
    ['pair-flip:-0.1', "noise spec 'pair-flip:-0.1': rate -0.1 is outside [0, 1]; give a fraction, e.g. 0.4 for 40%"],
    ['uniform:40', "noise spec 'uniform:40': rate 40 is outside [0, 1]; give a fraction, e.g. 0.4 for 40%"],
    ['uniform:0.4:exat',
      "noise spec 'uniform:0.4:exat': unknown option 'exat'. Did you mean exact? Allowed: exact, independent"],
    ['uniform:0.4:exact:independent',
      "noise spec 'uniform:0.4:exact:independent': selection mode given twice (exact, independent)"],
    ['asymmetric:0.4',
      "noise spec 'asymmetric:0.4': no mapping given and no dataset to choose one from; add one: asymmetric:0.4:mnist, asymmetric:0.4:cifar10, or explicit pairs such as asymmetric:0.4:9=1,2=0"],
    ['asymmetric:0.4:mnsit',
      "noise spec 'asymmetric:0.4:mnsit': unknown option 'mnsit'. Did you mean mnist? Allowed: exact, independent, mnist, cifar10, or a mapping of from=to pairs such as 9=1,2=0"],
    ['asymmetric:0.4:9>1',
      "noise spec 'asymmetric:0.4:9>1': malformed mapping '9>1'; write from=to pairs separated by commas, e.g. 9=1,2=0"],
    ['asymmetric:0.4:9=1,9=2', "noise spec 'asymmetric:0.4:9=1,9=2': asymmetric mapping maps class 9 twice"],
    ['asymmetric:0.4:mnist:cifar10', "noise spec 'asymmetric:0.4:mnist:cifar10': mapping given twice"],
    ['matrix',
      "noise spec 'matrix': no matrix; write matrix:<row>/<row>/..., entries separated by commas, e.g. matrix:0.8,0.2/0.3,0.7"],
    ['matrix:0.9,x/0.1,0.9', "noise spec 'matrix:0.9,x/0.1,0.9': matrix entry 'x' (row 0, column 1) is not a number"],
    ['matrix:0.9,0.1/0.2,0.9',
      "noise spec 'matrix:0.9,0.1/0.2,0.9': transition matrix row 1 sums to 1.1; each row must sum to 1 (within 1e-6)"],
    ['matrix:0.9,0.1/1',
      "noise spec 'matrix:0.9,0.1/1': transition matrix row 1 has 1 entry; expected 2 (the matrix must be square, one column per class)"],
    ['matrix:1.2,-0.2/0,1', "noise spec 'matrix:1.2,-0.2/0,1': transition matrix entry [0][1] is -0.2; entries must be >= 0"],
    ['matrix:1,0/0,1:exact',
      "noise spec 'matrix:1,0/0,1:exact': mode 'exact' is not defined for matrix noise (there is no single rate p to select floor(p·N) examples by); use independent or leave the mode out"],
  ];
  for (const [spec, message] of cases) {
    it(`'${spec}'`, () => {
      expect(errorOf(() => parseNoiseSpec(spec)).message).to.equal(message);
    });
  }

  it('names the dataset when asymmetric has no built-in mapping for it', () => {
    expect(errorOf(() => parseNoiseSpec('asymmetric:0.4', { dataset: 'fashion-mnist' })).message).to.equal(
      "noise spec 'asymmetric:0.4': no mapping given and none is built in for dataset 'fashion-mnist'; add one: asymmetric:0.4:mnist, asymmetric:0.4:cifar10, or explicit pairs such as asymmetric:0.4:9=1,2=0",
    );
  });

  it('validates specs built in code, including the fit to the class count', () => {
    const bad = { kind: 'uniform', rate: 1.5, mode: 'exact' } as NoiseSpec;
    expect(errorOf(() => validateNoiseSpec(bad)).message).to.equal(
      "noise spec 'uniform:1.5:exact': rate 1.5 is outside [0, 1]; give a fraction, e.g. 0.4 for 40%",
    );
    expect(errorOf(() => validateNoiseSpec(parseNoiseSpec('matrix:1,0/0,1'), 10)).message).to.equal(
      "noise spec 'matrix:1,0/0,1:independent': transition matrix has 2 rows but the dataset has 10 classes; it must be 10 x 10",
    );
    expect(errorOf(() => validateNoiseSpec(parseNoiseSpec('asymmetric:0.4:mnist'), 100)).message).to.equal(
      "noise spec 'asymmetric:0.4:mnist:independent': asymmetric mapping 'mnist' is for 10 classes; this dataset has 100. Give explicit pairs instead, e.g. asymmetric:0.4:2=0,3=5",
    );
    expect(errorOf(() => validateNoiseSpec(parseNoiseSpec('asymmetric:0.4:9=1'), 5)).message).to.equal(
      "noise spec 'asymmetric:0.4:9=1:independent': asymmetric mapping pair 9=1: class 9 is not in [0, 5)",
    );
    const unknownMapping = { kind: 'asymmetric', rate: 0.4, mode: 'exact', mapping: 'cifar100' } as unknown as NoiseSpec;
    expect(errorOf(() => validateNoiseSpec(unknownMapping)).message).to.equal(
      "noise spec 'asymmetric:0.4:cifar100:exact': unknown asymmetric mapping 'cifar100'. Did you mean cifar10? Allowed: mnist, cifar10",
    );
    expect(errorOf(() => validateNoiseSpec(parseNoiseSpec('uniform-other:0.2'), 1)).message).to.equal(
      "noise spec 'uniform-other:0.2:independent': uniform-other noise needs at least 2 classes (there is no other class to flip to)",
    );
  });

  it('validateTransitionMatrix accepts rows that sum to 1 within 1e-6 and rejects NaN', () => {
    expect(() => validateTransitionMatrix([[0.5, 0.5 + 5e-7], [0, 1]])).not.to.throw();
    expect(errorOf(() => validateTransitionMatrix([[0.5, 0.5 + 2e-6], [0, 1]])).message).to.equal(
      'transition matrix row 0 sums to 1.000002; each row must sum to 1 (within 1e-6)',
    );
    expect(errorOf(() => validateTransitionMatrix([[NaN, 1], [0, 1]])).message).to.equal(
      'transition matrix entry [0][0] is NaN; entries must be finite numbers',
    );
    expect(errorOf(() => validateTransitionMatrix([])).message).to.equal(
      'transition matrix is empty; give C rows of C entries (C = number of classes)',
    );
  });
});
