/** The configured noise specs, parsed and checked, and the name each retrained model is stored under. */
import { createHash } from 'node:crypto';
import { HarnessInputError } from '../../src/errors.js';
import { formatNoiseSpec, parseNoiseSpec, validateNoiseSpec, type NoiseSpec } from '../../src/label-noise/index.js';

/** A configured noise spec: as written, parsed, and in canonical form. */
export interface ResolvedSpec {
  requested: string;
  spec: NoiseSpec;
  canonical: string;
}

/** Specs of the config, parsed and checked against the data's class count: every error before any training. */
export function resolveSpecs(texts: readonly string[], dataset: string, numClasses: number): ResolvedSpec[] {
  const seen = new Map<string, number>();
  return texts.map((requested, i) => {
    const field = `labelNoise.specs.${i}`;
    let spec: NoiseSpec;
    try {
      spec = parseNoiseSpec(requested, { dataset });
      validateNoiseSpec(spec, numClasses);
    } catch (e) {
      if (e instanceof HarnessInputError) throw new HarnessInputError(`${field}: ${e.message} (the data has ${numClasses} classes)`, field);
      throw e;
    }
    const canonical = formatNoiseSpec(spec);
    const prev = seen.get(canonical);
    if (prev !== undefined) throw new HarnessInputError(`${field}: '${requested}' is the same noise as labelNoise.specs.${prev} (${canonical})`, field);
    seen.set(canonical, i);
    return { requested, spec, canonical };
  });
}

/** ctx.trainExtra key (and checkpoint file name) of a model retrained on a spec's noisy labels. */
export function noiseKey(canonicalSpec: string, model: string): string {
  let slug = canonicalSpec.replace(/[^A-Za-z0-9.=-]+/g, '_');
  if (slug.length > 60) slug = `${slug.slice(0, 40)}_${createHash('sha256').update(canonicalSpec).digest('hex').slice(0, 12)}`;
  return `noise-${slug}-${model}`;
}
