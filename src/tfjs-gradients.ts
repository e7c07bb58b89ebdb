/**
 * Gradients for tfjs-core. The harness depends on @tensorflow/tfjs-core and its backends rather than the
 * @tensorflow/tfjs umbrella (whose layers, converter, data and webgl packages it never uses: about 220 MB). But
 * tfjs-core's Node build registers no gradients: their definitions ship only as ES modules under dist/gradients/
 * whose relative imports have no file extension, which Node's resolver refuses. A resolve hook scoped to that folder
 * adds the '.js', and the modules that register them (and the chained tensor methods a few of them call) are
 * imported once, before the first training step.
 * Those ~900 modules took about a second of each training process's start-up, so `npm run build` also bundles them
 * into one file (scripts/bundle-gradients.mjs → vendor/tfjs-gradients.mjs, ~15 ms to import), used when it was built
 * from the installed tfjs-core's version; the resolve hook remains the fallback (a checkout without a build).
 * (Where tfjs-node is installed it brings the umbrella, whose bundle has registered them already.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { register } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE_ROOT } from './package-root.js';

/** The bundle `npm run build` writes. */
export const GRADIENTS_BUNDLE = path.join(PACKAGE_ROOT, 'vendor', 'tfjs-gradients.mjs');

/** Resolve hook: inside @tensorflow/tfjs-core/dist, `./x` means `./x.js`. Nothing else is touched. */
const HOOK = `
export async function resolve(specifier, context, next) {
  if (context.parentURL !== undefined && context.parentURL.includes('/@tensorflow/tfjs-core/dist/')
      && specifier.startsWith('.') && !/\\.[cm]?js$/.test(specifier)) {
    return next(specifier + '.js', context);
  }
  return next(specifier, context);
}
`;

/**
 * The tfjs-core version a gradients bundle was built from (its first line: `// tfjs-core 4.22.0 gradients: ...`);
 * null when the file is missing or has no such line.
 */
export function bundledCoreVersion(file: string = GRADIENTS_BUNDLE): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(80);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\/\/ tfjs-core (\S+) gradients:/.exec(head.subarray(0, n).toString('utf8'))?.[1] ?? null;
  } finally {
    closeSync(fd);
  }
}

/** How the gradients were registered in this process: by the bundle, tfjs-core's modules, or another tfjs bundle. */
export type GradientsSource = 'bundle' | 'modules' | 'preregistered';

let loading: Promise<GradientsSource> | undefined;

/**
 * Register tfjs-core's gradients (once per process; a no-op where another tfjs bundle already did). `bundle` is for
 * tests: false imports the modules through the resolve hook even where the bundle is usable.
 */
export function ensureGradients(opts: { bundle?: boolean } = {}): Promise<GradientsSource> {
  loading ??= (async (): Promise<GradientsSource> => {
    if (tf.getGradient(tf.Neg) !== undefined) return 'preregistered';
    let source: GradientsSource;
    if (opts.bundle !== false && bundledCoreVersion() === tf.version_core) {
      await import(pathToFileURL(GRADIENTS_BUNDLE).href);
      source = 'bundle';
    } else {
      register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
      await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
      // a few gradients (Prod's) call chained ops (x.reshape()); the umbrella registers them on the shared Tensor class
      await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
      source = 'modules';
    }
    if (tf.getGradient(tf.Neg) === undefined) throw new Error(`internal error: tfjs-core gradients did not register (from the ${source})`);
    return source;
  })();
  return loading;
}
