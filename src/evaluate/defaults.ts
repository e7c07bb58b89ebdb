/** The suites `evaluate` runs when neither --suites nor a config file names them (a light module for the CLI's help). */
export const EVALUATE_DEFAULT_SUITES = ['calibration', 'corruption'];
