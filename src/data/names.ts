/** The dataset names loadDataset accepts (a light module: config validation and the CLI need them without the loaders). */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'cifar10', 'folder', 'synthetic'] as const;
/** One of DATASET_NAMES. */
export type DatasetName = (typeof DATASET_NAMES)[number];
