/** Bad input: each case throws HarnessInputError with the exact message. */
import { expect } from 'chai';
import { HarnessInputError } from '../../src/errors.js';
import {
  accuracy,
  bootstrapInterval,
  calibrationReport,
  expectedCalibrationError,
  expectedCalibrationErrorFromConfidences,
  fitTemperature,
  type CalibrationReportOptions,
  type ProbabilityInput,
} from '../../src/metrics/index.js';

function expectInputError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a HarnessInputError').to.be.instanceOf(HarnessInputError);
  expect((caught as Error).message).to.equal(message);
}

const ok = [[0.7, 0.3], [0.4, 0.6]];

describe('calibration input validation', () => {
  const report = (p: ProbabilityInput, y: ArrayLike<number>, o: CalibrationReportOptions = {}) => () =>
    calibrationReport(p, y, o);

  it('empty input', () => {
    expectInputError(report([], []), 'predictions are empty: need at least one example');
    expectInputError(report(new Float32Array(0), [], { numClasses: 3 }), 'predictions are empty: need at least one example');
    expectInputError(() => expectedCalibrationErrorFromConfidences([], []), 'confidences are empty: need at least one example');
  });

  it('NaN', () => {
    expectInputError(report([[0.5, 0.5], [0.2, NaN]], [0, 1]), 'predictions contain NaN at row 1, class 1');
    expectInputError(report([[0.5, NaN]], [0], { logits: true }), 'predictions contain NaN at row 0, class 1');
    expectInputError(() => expectedCalibrationErrorFromConfidences([0.5, NaN], [1, 0]), 'confidences contain NaN at index 1');
  });

  it('probabilities outside [0, 1]', () => {
    expectInputError(
      report([[0.5, 0.5], [1.2, -0.2]], [0, 1]),
      'probability at row 1, class 0 is 1.2; probabilities must lie in [0, 1] (pass logits: true for logits)',
    );
    expectInputError(
      () => expectedCalibrationErrorFromConfidences([0.5, 1.5], [1, 0]),
      'confidence at index 1 is 1.5; confidences must lie in [0, 1]',
    );
  });

  it('rows not summing to 1 (tolerance 1e-3) name the row and the sum', () => {
    expectInputError(
      report([[0.5, 0.5], [0.3, 0.7], [0.5, 0.45]], [0, 1, 0]),
      'probabilities in row 2 sum to 0.95; each row must sum to 1 (tolerance 0.001)',
    );
    expectInputError(
      report({ data: new Float64Array([0.6, 0.4, 0.7, 0.3, 0.5, 0.5015]), numClasses: 2 }, [0, 1, 0]),
      'probabilities in row 2 sum to 1.0015; each row must sum to 1 (tolerance 0.001)',
    );
    // Within tolerance: accepted.
    expect(() => calibrationReport([[0.5, 0.5009]], [0])).not.to.throw();
  });

  it('labels out of range name the index and the value', () => {
    expectInputError(report(ok, [0, 2]), 'label at index 1 is 2; labels must be integers in [0, 1]');
    expectInputError(report(ok, [-1, 0]), 'label at index 0 is -1; labels must be integers in [0, 1]');
    expectInputError(report(ok, [0, 0.5]), 'label at index 1 is 0.5; labels must be integers in [0, 1]');
    expectInputError(report(ok, [0, NaN]), 'label at index 1 is NaN; labels must be integers in [0, 1]');
    expectInputError(() => expectedCalibrationErrorFromConfidences([0.5], [2]), 'outcome at index 0 is 2; outcomes must be 0 or 1');
  });

  it('shape mismatch', () => {
    expectInputError(report(ok, [0]), 'labels has 1 entries but predictions have 2 rows');
    expectInputError(report([[0.5, 0.5], [1]], [0, 0]), 'predictions row 1 has 1 entries but row 0 has 2');
    expectInputError(
      report(new Float64Array([0.5, 0.5, 1]), [0], { numClasses: 2 }),
      'predictions have 3 values, which is not a multiple of numClasses 2',
    );
    expectInputError(report(new Float64Array([0.5, 0.5]), [0]), 'predictions given as a flat typed array need numClasses');
    expectInputError(report({ data: new Float64Array([1]), numClasses: 0 }, [0]), 'numClasses must be a positive integer; got 0');
    expectInputError(() => expectedCalibrationErrorFromConfidences([0.5, 0.6], [1]), 'confidences has 2 entries but outcomes has 1');
  });

  it('bins < 1 or not an integer; unknown rule', () => {
    expectInputError(report(ok, [0, 1], { bins: 0 }), 'bins must be an integer >= 1; got 0');
    expectInputError(report(ok, [0, 1], { bins: 2.5 }), 'bins must be an integer >= 1; got 2.5');
    expectInputError(
      report(ok, [0, 1], { rule: 'center' as never }),
      "unknown binning rule 'center'. Allowed: right, left",
    );
    expectInputError(
      () => expectedCalibrationError(ok, [0, 1], { rule: 'rigth' as never }),
      "unknown binning rule 'rigth'. Did you mean right? Allowed: right, left",
    );
  });

  it('logits must be finite', () => {
    expectInputError(() => accuracy([[1, Infinity]], [0], { logits: true }), 'logit at row 0, class 1 is Infinity; logits must be finite');
    expectInputError(() => fitTemperature([[1, -Infinity]], [0]), 'logit at row 0, class 1 is -Infinity; logits must be finite');
  });

  it('bootstrap and temperature options', () => {
    expectInputError(() => bootstrapInterval(0, () => 0, { seed: 1 }), 'bootstrap needs at least one example; got n = 0');
    expectInputError(() => bootstrapInterval(5, () => 0, { seed: 1, level: 1 }), 'level must lie strictly between 0 and 1; got 1');
    expectInputError(() => bootstrapInterval(5, () => 0, { seed: 1, resamples: 0 }), 'resamples must be an integer >= 1; got 0');
  });
});
