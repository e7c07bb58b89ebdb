/**
 * NoiseSpec: which label-noise model, at what rate, with which selection mode — and its string form.
 *
 * Grammar (tokens separated by ':'; whitespace around tokens ignored; the kind is case-insensitive):
 *   uniform:<p>[:<mode>]            e.g. uniform:0.4, uniform:0.8:independent
 *   uniform-other:<p>[:<mode>]      e.g. uniform-other:0.2
 *   pair-flip:<p>[:<mode>]          e.g. pair-flip:0.45
 *   asymmetric:<p>[:<mapping>][:<mode>]   mapping = mnist | cifar10 | from=to pairs, e.g. asymmetric:0.4:9=1,2=0
 *   matrix:<row>/<row>/...[:independent]  entries of a row separated by ',', e.g. matrix:0.8,0.2/0.3,0.7
 * <p> is a fraction in [0, 1] (0.4 means 40%; percent strings are rejected). <mode> is exact | independent;
 * when absent it is DEFAULT_MODE[kind] (uniform → exact, all others → independent; see kinds.ts for why and
 * for what each mode does). For asymmetric noise without a mapping, the mapping is chosen from the dataset name
 * (mnist → mnist, cifar10 → cifar10); any other dataset needs an explicit one.
 *
 * formatNoiseSpec gives the canonical string (every field spelled out, e.g. 'uniform:0.4:exact'); it names the
 * random stream, so 'uniform:0.40' and 'uniform:0.4:exact' give the same labels for the same seed.
 */
import { HarnessInputError, unknownChoiceMessage } from '../errors.js';
import { DEFAULT_MODE, MAX_CLASSES, NOISE_KINDS, SELECTION_MODES, type NoiseKind, type SelectionMode } from './kinds.js';
import {
  MAPPING_NAMES,
  defaultMappingFor,
  mappingPairs,
  validateMapping,
  type AsymmetricMapping,
  type ClassPair,
  type MappingName,
} from './mappings.js';
import { validateTransitionMatrix } from './matrix.js';

/** Noise at rate p that relabels with a fixed rule (see kinds.ts). */
export interface RateNoiseSpec {
  kind: 'uniform' | 'uniform-other' | 'pair-flip';
  /** Fraction p in [0, 1]: selection probability (independent) or floor(p·N) selected examples (exact). */
  rate: number;
  mode: SelectionMode;
}

/** Class-dependent noise: a selected example of class `from` becomes `to`; unmapped classes stay. */
export interface AsymmetricNoiseSpec {
  kind: 'asymmetric';
  /** Fraction p in [0, 1], as for RateNoiseSpec; only examples of mapped classes can change. */
  rate: number;
  mode: SelectionMode;
  /** 'mnist' | 'cifar10' (published, 10 classes) or explicit [from, to] pairs. */
  mapping: AsymmetricMapping;
}

/** A user transition matrix; each example's observed label is one draw from row (true class) of `matrix`. */
export interface MatrixNoiseSpec {
  kind: 'matrix';
  /** C x C, row = true class, column = observed label, entries >= 0, rows sum to 1 within 1e-6. */
  matrix: number[][];
  /** Only 'independent' is defined for a matrix. */
  mode: 'independent';
}

export type NoiseSpec = RateNoiseSpec | AsymmetricNoiseSpec | MatrixNoiseSpec;

/** What parseNoiseSpec needs besides the string. */
export interface ParseNoiseSpecOptions {
  /** Dataset name, used to choose the asymmetric mapping when the spec gives none. */
  dataset?: string;
  /** Mode requested separately (e.g. the CLI's --mode); an error if the spec names a different one. */
  mode?: SelectionMode;
}

/** Kind names people use for symmetric noise, which is ambiguous (docs/conventions.md#label-noise). */
const AMBIGUOUS_KINDS = new Set(['symmetric', 'sym', 'symmetry']);

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const PAIRS_RE = /^\d+=\d+(,\d+=\d+)*$/;

function fail(text: string, problem: string): never {
  throw new HarnessInputError(`noise spec '${text}': ${problem}`);
}

/** Parse a spec string (grammar in the module comment) into a validated NoiseSpec with mode and mapping resolved. */
export function parseNoiseSpec(text: string, options: ParseNoiseSpecOptions = {}): NoiseSpec {
  const source = String(text).trim();
  if (source === '') throw new HarnessInputError('empty noise spec; expected <kind>:<rate>, e.g. uniform:0.4');
  const tokens = source.split(':').map((t) => t.trim());
  const kindText = tokens[0].toLowerCase();
  if (AMBIGUOUS_KINDS.has(kindText)) {
    fail(
      source,
      `noise kind '${tokens[0]}' is ambiguous: use uniform (new label drawn from all C classes, may equal the true ` +
        `one; Lazy Neuron, DivideMix) or uniform-other (always a different class; Co-teaching, Patrini)`,
    );
  }
  if (!(NOISE_KINDS as readonly string[]).includes(kindText)) {
    fail(source, unknownChoiceMessage('noise kind', tokens[0], NOISE_KINDS));
  }
  const kind = kindText as NoiseKind;

  let spec: NoiseSpec;
  let mode: SelectionMode | undefined;
  const takeMode = (token: string): boolean => {
    if (!(SELECTION_MODES as readonly string[]).includes(token)) return false;
    if (mode !== undefined) fail(source, `selection mode given twice (${mode}, ${token})`);
    mode = token as SelectionMode;
    return true;
  };

  if (kind === 'matrix') {
    const body = tokens[1];
    if (body === undefined || body === '') {
      fail(source, 'no matrix; write matrix:<row>/<row>/..., entries separated by commas, e.g. matrix:0.8,0.2/0.3,0.7');
    }
    const matrix = body.split('/').map((row, i) =>
      row.split(',').map((entry, j) => {
        const e = entry.trim();
        if (!NUMBER_RE.test(e)) fail(source, `matrix entry '${e}' (row ${i}, column ${j}) is not a number`);
        return Number(e);
      }),
    );
    for (const token of tokens.slice(2)) {
      if (!takeMode(token)) fail(source, unknownChoiceMessage('option', token, SELECTION_MODES));
    }
    spec = { kind, matrix, mode: (mode ?? 'independent') as 'independent' };
  } else {
    const rateText = tokens[1];
    if (rateText === undefined || rateText === '') {
      fail(source, `no rate; write ${kind}:<rate> with a fraction in [0, 1], e.g. ${kind}:0.4`);
    }
    if (!NUMBER_RE.test(rateText)) {
      fail(source, `rate '${rateText}' is not a number; give a fraction in [0, 1], e.g. 0.4 for 40%`);
    }
    const rate = Number(rateText);
    if (kind === 'asymmetric') {
      let mapping: AsymmetricMapping | undefined;
      for (const token of tokens.slice(2)) {
        if (takeMode(token)) continue;
        const isName = (MAPPING_NAMES as readonly string[]).includes(token);
        if (isName || token.includes('=') || /^\d/.test(token)) {
          if (mapping !== undefined) fail(source, 'mapping given twice');
          if (isName) mapping = token as MappingName;
          else if (PAIRS_RE.test(token)) {
            mapping = token.split(',').map((pair) => pair.split('=').map(Number) as unknown as ClassPair);
          } else fail(source, `malformed mapping '${token}'; write from=to pairs separated by commas, e.g. 9=1,2=0`);
          continue;
        }
        fail(
          source,
          unknownChoiceMessage('option', token, [...SELECTION_MODES, ...MAPPING_NAMES]) +
            ', or a mapping of from=to pairs such as 9=1,2=0',
        );
      }
      if (mapping === undefined) {
        mapping = defaultMappingFor(options.dataset);
        if (mapping === undefined) {
          const why = options.dataset === undefined
            ? 'no mapping given and no dataset to choose one from'
            : `no mapping given and none is built in for dataset '${options.dataset}'`;
          fail(
            source,
            `${why}; add one: asymmetric:${rateText}:mnist, asymmetric:${rateText}:cifar10, or explicit pairs ` +
              `such as asymmetric:${rateText}:9=1,2=0`,
          );
        }
      }
      spec = { kind, rate, mode: mode ?? DEFAULT_MODE[kind], mapping };
    } else {
      for (const token of tokens.slice(2)) {
        if (!takeMode(token)) fail(source, unknownChoiceMessage('option', token, SELECTION_MODES));
      }
      spec = { kind, rate, mode: mode ?? DEFAULT_MODE[kind] };
    }
  }
  if (options.mode !== undefined) {
    if (mode !== undefined && mode !== options.mode) {
      fail(source, `mode ${options.mode} was requested but the spec says ${mode}; give the mode once`);
    }
    spec = { ...spec, mode: options.mode } as NoiseSpec;
  }
  checkSpec(spec, undefined, (problem) => fail(source, problem));
  return spec;
}

/**
 * Throws HarnessInputError unless `spec` is well formed (rate in [0, 1], known kind and mode, valid mapping or
 * matrix) and, when `numClasses` is given, fits that many classes (matrix C x C, named mapping's class count,
 * uniform-other with p > 0 needs C >= 2). Use it on specs built in code or read from JSON.
 */
export function validateNoiseSpec(spec: NoiseSpec, numClasses?: number): void {
  let name: string;
  try {
    name = formatNoiseSpec(spec);
  } catch {
    name = JSON.stringify(spec) ?? String(spec);
  }
  checkSpec(spec, numClasses, (problem) => fail(name, problem));
}

function checkSpec(spec: NoiseSpec, numClasses: number | undefined, report: (problem: string) => never): void {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > MAX_CLASSES)) {
    report(`number of classes ${numClasses} is not an integer in [1, ${MAX_CLASSES}]`);
  }
  if (spec === null || typeof spec !== 'object') report('not a noise spec object');
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(NOISE_KINDS as readonly string[]).includes(kind)) {
    report(unknownChoiceMessage('noise kind', String(kind), NOISE_KINDS));
  }
  if (!(SELECTION_MODES as readonly string[]).includes(spec.mode)) {
    report(unknownChoiceMessage('selection mode', String(spec.mode), SELECTION_MODES));
  }
  const rethrow = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (e instanceof HarnessInputError) report(e.message);
      throw e;
    }
  };
  if (spec.kind === 'matrix') {
    const mode: string = spec.mode;
    if (mode !== 'independent') {
      report(
        `mode '${mode}' is not defined for matrix noise (there is no single rate p to select floor(p·N) ` +
          `examples by); use independent or leave the mode out`,
      );
    }
    rethrow(() => validateTransitionMatrix(spec.matrix, numClasses));
    return;
  }
  const rate = spec.rate;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    report(`rate ${String(rate)} is outside [0, 1]; give a fraction, e.g. 0.4 for 40%`);
  }
  if (spec.kind === 'asymmetric') rethrow(() => validateMapping(spec.mapping, numClasses));
  if (spec.kind === 'uniform-other' && numClasses === 1 && rate > 0) {
    report('uniform-other noise needs at least 2 classes (there is no other class to flip to)');
  }
}

/** Canonical string of a spec: kind, rate (or matrix), mapping for asymmetric, and mode, all spelled out. */
export function formatNoiseSpec(spec: NoiseSpec): string {
  switch (spec.kind) {
    case 'matrix':
      return `matrix:${spec.matrix.map((row) => row.map(String).join(',')).join('/')}:${spec.mode}`;
    case 'asymmetric': {
      const mapping = typeof spec.mapping === 'string'
        ? spec.mapping
        : mappingPairs(spec.mapping).map(([from, to]) => `${from}=${to}`).join(',');
      return `asymmetric:${spec.rate}:${mapping}:${spec.mode}`;
    }
    default:
      return `${spec.kind}:${spec.rate}:${spec.mode}`;
  }
}
