/** Plain-language statement of what a noise spec does, recorded in every report as `convention`. */
import type { NoiseSpec } from './spec.js';
import { mappingPairs } from './mappings.js';

/** One paragraph: the relabel rule, its source convention (docs/conventions.md#label-noise) and the selection mode. */
export function describeNoise(spec: NoiseSpec, numClasses: number): string {
  const C = numClasses;
  let rule: string;
  switch (spec.kind) {
    case 'uniform':
      rule =
        `uniform, convention (a) "replace with a label drawn uniformly from all C = ${C} classes" (Lazy Neuron ` +
        `paper, DivideMix sym): the new label may equal the true one, so only a fraction (C-1)/C of the ` +
        `selected labels change; T_ii = 1-q+q/C, T_ij = q/C.`;
      break;
    case 'uniform-other':
      rule =
        `uniform-other, convention (b) "flip to a different class" (Co-teaching, Patrini): a selected label ` +
        `becomes one of the other C-1 = ${C - 1} classes uniformly; T_ii = 1-q, T_ij = q/(C-1).`;
      break;
    case 'pair-flip':
      rule =
        `pair-flip (Co-teaching): a selected label of class i becomes (i+1) mod C, class ${C - 1} goes to 0; ` +
        `T_ii = 1-q, T_i,i+1 = q.`;
      break;
    case 'asymmetric': {
      const pairs = mappingPairs(spec.mapping).map(([f, t]) => `${f}->${t}`).join(', ');
      const name = typeof spec.mapping === 'string' ? `published ${spec.mapping} mapping (Patrini et al. 2017)` : 'user mapping';
      rule =
        `asymmetric, ${name} ${pairs}: a selected label of a mapped class becomes its target; a selected label ` +
        `of an unmapped class stays, so only mapped classes change; T_ii = 1-q, T_i,m(i) = q for mapped i.`;
      break;
    }
    case 'matrix':
      rule = 'matrix: the observed label of an example of class i is one draw from row i of the user matrix T.';
      break;
  }
  const selection = spec.kind === 'matrix'
    ? 'Selection independent: one draw per example (changed with probability 1-T_ii).'
    : spec.mode === 'exact'
      ? `Selection exact: exactly floor(p*N) examples, chosen uniformly without replacement from all classes, ` +
        `are relabelled (DivideMix style); q = floor(p*N)/N.`
      : 'Selection independent: each example is selected with probability q = p on its own (one draw per example ' +
        'from row y of T, as in Co-teaching and Patrini).';
  return `${rule} ${selection} Rows of T are true classes, columns observed labels.`;
}
