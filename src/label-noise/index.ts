/** Label noise: specs, transition matrices, application with honest reports, and text rendering. */
export { NOISE_KINDS, SELECTION_MODES, DEFAULT_MODE, MAX_CLASSES, type NoiseKind, type SelectionMode } from './kinds.js';
export {
  MAPPING_NAMES,
  PUBLISHED_MAPPINGS,
  defaultMappingFor,
  mappingPairs,
  mappingTable,
  validateMapping,
  type AsymmetricMapping,
  type ClassPair,
  type MappingName,
} from './mappings.js';
export { ROW_SUM_TOLERANCE, validateTransitionMatrix } from './matrix.js';
export {
  parseNoiseSpec,
  formatNoiseSpec,
  validateNoiseSpec,
  type NoiseSpec,
  type RateNoiseSpec,
  type AsymmetricNoiseSpec,
  type MatrixNoiseSpec,
  type ParseNoiseSpecOptions,
} from './spec.js';
export {
  transitionMatrix,
  relabelMatrix,
  changeProbabilities,
  selectionProbability,
  exactSelectionCount,
} from './transition.js';
export { describeNoise } from './describe.js';
export {
  applyLabelNoise,
  type LabelNoiseResult,
  type LabelNoiseReport,
  type LabelNoiseCounts,
} from './apply.js';
export { formatNoiseReport, MAX_PRINTED_CLASSES } from './format.js';
