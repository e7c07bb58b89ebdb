/** Tests run on the wasm backend (the one these machines use); call in a before() hook. */
import { initBackend } from '../../src/backend.js';

export async function useTestBackend(): Promise<void> {
  await initBackend('wasm', () => {});
}
