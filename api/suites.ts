/**
 * `topk-harness/suites`: the suite plugin API. A suite module's default export is `defineSuite({...})`; the harness
 * hands it every model of a run as a Classifier (uint8 images in, logits out) plus, where the model has them, the
 * harness ViT's extras. docs/plugins.md walks through a complete suite.
 */
export { defineSuite, isSuite, requireVit, SUITE_NAME, SuiteDefinitionError, validateSuite, type SuiteDefinitionIssue } from '../src/suite/define.js';
export {
  perModel,
  type Classifier, type ExtraDatasetName, type ExtraTrainingOptions, type Suite, type SuiteContext, type SuiteDefinition,
  type SuiteHeadline, type SuiteModel, type SuiteNeed, type SuiteOutput, type SuiteWorkContext, type TrainedModel,
} from '../src/suite/types.js';
export { predictDataset, type DatasetLogits } from '../src/suite/classifier.js';
export type { RunConfig, ModelVariant } from '../src/config/run-config.js';
export type { Dataset, DataSplits } from '../src/data/dataset.js';
export type { Predictions } from '../src/eval/predict.js';
export type { ProgressSink } from '../src/util/progress.js';
export { HarnessInputError, nearestChoice, unknownChoiceMessage } from '../src/errors.js';
/** Helpers suites share with the built-ins: atomic file writes (temp file, fsync, rename) and XML escaping for SVG. */
export { writeFileAtomic } from '../src/util/atomic.js';
export { escapeXml } from '../src/util/escape.js';
/** Number formatting and Markdown tables as the built-in suites print them (percentages, signed point differences). */
export { formatDelta, formatValue, type MetricKind } from '../src/report/format.js';
export { markdownTable, type ColumnAlign } from '../src/report/markdown-table.js';
export { softmaxRows } from '../src/metrics/softmax.js';
