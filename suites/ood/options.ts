/** `suiteOptions.ood`: which OOD sets and how many of their images, checked before any work. */
import { HarnessInputError, type DataSplits, type ExtraDatasetName, type RunConfig } from 'topk-harness/suites';
import type { OodOptions } from './types.js';

/** The datasets the harness can load as OOD sets (SuiteContext.loadTestSet). */
export const OOD_DATASETS: readonly ExtraDatasetName[] = ['mnist', 'fashion-mnist', 'synthetic'];

const OPTION_FIELDS = ['datasets', 'limit'] as const;

/** MNIST and Fashion-MNIST come only at their native size; loadTestSet refuses them for runs with other images. */
const NATIVE_SHAPE: Partial<Record<ExtraDatasetName, readonly [number, number, number]>> = { mnist: [28, 28, 1], 'fashion-mnist': [28, 28, 1] };

/** The default OOD sets for a run on `runDataset`: the other of MNIST ↔ Fashion-MNIST where there is one, plus synthetic. */
export function defaultOodDatasets(runDataset: string): ExtraDatasetName[] {
  const other: Record<string, ExtraDatasetName> = { mnist: 'fashion-mnist', 'fashion-mnist': 'mnist' };
  return [...(other[runDataset] !== undefined ? [other[runDataset]] : []), 'synthetic' as const].filter((d) => d !== runDataset);
}

/** Validate `suiteOptions.ood` and apply the defaults. Throws HarnessInputError naming the field and the allowed values. */
export function parseOodOptions(options: unknown, runDataset: string): OodOptions {
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw new HarnessInputError(`suiteOptions.ood must be an object { datasets?: string[], limit?: number }, got ${show(options)}`, 'suiteOptions.ood');
  }
  const o = (options ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(OPTION_FIELDS as readonly string[]).includes(key)) {
      throw new HarnessInputError(`suiteOptions.ood.${key} is not an option of the ood suite. Allowed: ${OPTION_FIELDS.join(', ')}`, `suiteOptions.ood.${key}`);
    }
  }
  const field = 'suiteOptions.ood.datasets';
  const allowed = OOD_DATASETS.filter((d) => d !== runDataset);
  let datasets: ExtraDatasetName[];
  if (o.datasets === undefined || o.datasets === null) {
    datasets = defaultOodDatasets(runDataset);
    if (datasets.length === 0) {
      throw new HarnessInputError(
        `suite 'ood' has no default out-of-distribution set for data.dataset '${runDataset}': set ${field} to one or more of ${allowed.join(', ')}`, field);
    }
  } else {
    if (!Array.isArray(o.datasets) || o.datasets.length === 0) {
      throw new HarnessInputError(`${field} must be a non-empty list of dataset names (${allowed.join(', ')}), got ${show(o.datasets)}`, field);
    }
    datasets = [];
    for (const d of o.datasets as unknown[]) {
      if (typeof d !== 'string' || !(OOD_DATASETS as readonly string[]).includes(d)) {
        throw new HarnessInputError(`${field}: unknown dataset ${show(d)}. Allowed: ${allowed.join(', ')}`, field);
      }
      if (d === runDataset) {
        throw new HarnessInputError(`${field}: '${d}' is the run's own dataset (data.dataset), so it is not out-of-distribution. Allowed: ${allowed.join(', ')}`, field);
      }
      if ((datasets as string[]).includes(d)) throw new HarnessInputError(`${field} lists '${d}' twice`, field);
      datasets.push(d as ExtraDatasetName);
    }
  }
  const limit = o.limit ?? null;
  if (limit !== null && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1)) {
    throw new HarnessInputError(`suiteOptions.ood.limit must be a positive integer (images per OOD set) or null for whole sets, got ${show(limit)}`, 'suiteOptions.ood.limit');
  }
  return { datasets, limit: limit as number | null };
}

/** Early check: the options, and that each OOD set can be loaded at the run's image size. */
export function checkOodOptions(config: RunConfig, data: DataSplits, options: unknown): void {
  const { datasets } = parseOodOptions(options, config.data.dataset);
  const { height, width, channels } = data.test;
  for (const d of datasets) {
    const shape = NATIVE_SHAPE[d];
    if (shape !== undefined && (shape[0] !== height || shape[1] !== width || shape[2] !== channels)) {
      const hint = config.data.dataset !== 'synthetic' ? " Use 'synthetic' instead (drawn at the run's size)." : '';
      throw new HarnessInputError(
        `suiteOptions.ood.datasets: '${d}' has ${shape.join('×')} images but the run's are ${height}×${width}×${channels}, ` +
          `so the models cannot read them.${hint}`,
        'suiteOptions.ood.datasets',
      );
    }
  }
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}
