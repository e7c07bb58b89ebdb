/** Tests run on the wasm backend (the one these machines use), with tfjs's gradients; call in a before() hook. */
import { initBackend } from '../../src/backend.js';
import { ensureGradients } from '../../src/tfjs-gradients.js';

export async function useTestBackend(): Promise<void> {
  await initBackend('wasm', () => {});
  await ensureGradients();
}
