/**
 * The one dataset type every loader returns and every suite consumes.
 * Images are uint8, NHWC, row-major: pixel (i, y, x, c) is images[((i * height + y) * width + x) * channels + c].
 */
export interface Dataset {
  /** Short name recorded in the scorecard, e.g. 'mnist', 'fashion-mnist', 'cifar10', 'folder:/path', 'synthetic'. */
  name: string;
  /** uint8 pixels, NHWC, length = count * height * width * channels. */
  images: Uint8Array;
  /** Class index per example, each in [0, classNames.length). */
  labels: Uint8Array;
  /** Number of examples. */
  count: number;
  height: number;
  width: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** Human-readable class names; their count is the number of classes. */
  classNames: string[];
}

/** The three splits a run uses. Validation is carved from the training file by seed. */
export interface DataSplits {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** Bytes per image. */
export function imageSize(d: Pick<Dataset, 'height' | 'width' | 'channels'>): number {
  return d.height * d.width * d.channels;
}

/** A new Dataset holding the given examples (by index, in that order). Copies the pixels. */
export function subset(d: Dataset, indices: ArrayLike<number>, name = d.name): Dataset {
  const size = imageSize(d);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i];
    if (src < 0 || src >= d.count) throw new RangeError(`subset index ${src} outside [0, ${d.count})`);
    images.set(d.images.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = d.labels[src];
  }
  return { ...d, name, images, labels, count: indices.length };
}

/** Throws when the arrays disagree with the declared shape or a label is out of range. */
export function assertValidDataset(d: Dataset): void {
  const size = imageSize(d);
  if (d.images.length !== d.count * size) {
    throw new Error(`dataset ${d.name}: ${d.images.length} pixel bytes, expected ${d.count}x${d.height}x${d.width}x${d.channels}`);
  }
  if (d.labels.length !== d.count) throw new Error(`dataset ${d.name}: ${d.labels.length} labels for ${d.count} images`);
  if (d.channels !== 1 && d.channels !== 3) throw new Error(`dataset ${d.name}: channels must be 1 or 3, got ${d.channels}`);
  const c = d.classNames.length;
  for (let i = 0; i < d.count; i++) {
    if (d.labels[i] >= c) throw new Error(`dataset ${d.name}: label ${d.labels[i]} at index ${i} outside [0, ${c})`);
  }
}
