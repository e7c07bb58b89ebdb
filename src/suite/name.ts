/** What a suite may be called (a leaf module: the config layer checks `suites` names with it before loading any suite). */

/** Lowercase words joined by single '-' or '_', starting with a letter: ood, label-noise, my_suite2. */
export const SUITE_NAME = /^[a-z][a-z0-9]*([-_][a-z0-9]+)*$/;
