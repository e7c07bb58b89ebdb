/** Test helpers: a harness ViT as the suite API hands it to a suite (run-experiment.ts does the same). */
import { vitClassifier } from '../../src/suite/vit-classifier.js';
import type { SuiteModel, TrainedModel } from '../../src/suite/types.js';

export function suiteModel(tm: TrainedModel): SuiteModel {
  return { name: tm.variant.name, variant: tm.variant, classifier: vitClassifier(tm.model), vit: tm };
}

/** SuiteContext fields the tests do not exercise. */
export const unusedContext = {
  options: undefined,
  loadTestSet: (): never => {
    throw new Error('loadTestSet is not used by this test');
  },
};
