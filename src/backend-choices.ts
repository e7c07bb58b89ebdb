/** The backends a run can ask for (a light module: the CLI's option parsing needs it without loading tfjs). */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'libtorch', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
