/**
 * Gradients for tfjs-core. The harness depends on @tensorflow/tfjs-core and its backends rather than the
 * @tensorflow/tfjs umbrella (whose layers, converter, data and webgl packages it never uses: about 220 MB). But
 * tfjs-core's Node build registers no gradients: their definitions ship only as ES modules under dist/gradients/
 * whose relative imports have no file extension, which Node's resolver refuses. A resolve hook scoped to that folder
 * adds the '.js', and the modules that register them (and the chained tensor methods a few of them call) are
 * imported once, before the first training step.
 * (Where tfjs-node is installed it brings the umbrella, whose bundle has registered them already.)
 */
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

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

let loading: Promise<void> | undefined;

/** Register tfjs-core's gradients (once per process; a no-op where another tfjs bundle already did). */
export function ensureGradients(): Promise<void> {
  loading ??= (async () => {
    if (tf.getGradient(tf.Neg) !== undefined) return;
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    // a few gradients (Prod's) call chained ops (x.reshape()); the umbrella registers them on the shared Tensor class
    await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');
    if (tf.getGradient(tf.Neg) === undefined) throw new Error('internal error: tfjs-core gradients did not register');
  })();
  return loading;
}
