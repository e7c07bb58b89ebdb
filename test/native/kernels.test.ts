/**
 * Every kernel of the libtorch backend against the cpu backend on small random inputs: values, broadcasting, odd
 * and empty shapes, and the gradients tfjs computes through its own gradient definitions (which call these
 * kernels). Tolerance 1e-5 relative. Skipped when the addon is not built (`npm run build:native`).
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { libtorchKernelNames } from '../../src/backend-libtorch/index.js';
import { FUSED_KERNELS } from '../../src/fused-kernels.js';
import { mismatch, rand, rememberBackend, requireLibtorch, runOn } from './helpers.js';

type Case = [string, () => tf.Tensor | tf.Tensor[] | tf.NamedTensorMap];

const t = (shape: number[], seed: number, lo = -1, hi = 1) => tf.tensor(rand(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape);
const ints = (shape: number[], seed: number, max: number) =>
  tf.tensor(Int32Array.from(rand(shape.reduce((a, b) => a * b, 1), seed, 0, max), (v) => Math.floor(v)), shape, 'int32');
const t4 = (shape: number[], seed: number) => t(shape, seed) as tf.Tensor4D;
const t4r = (x: tf.Tensor, shape: [number, number, number, number]) => tf.reshape(x, shape) as tf.Tensor4D;
/** Gradients of sum(f(xs) * w) for a fixed random w, so that dy is not uniform. */
const grads = (f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]) =>
  tf.grads((...a: tf.Tensor[]) => {
    const y = f(...a);
    return tf.sum(tf.mul(y, tf.tensor(rand(y.size, 99), y.shape)));
  })(xs);

const unary: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
  ['abs', tf.abs, -1, 1], ['neg', tf.neg, -1, 1], ['square', tf.square, -1, 1], ['sqrt', tf.sqrt, 0.1, 2],
  ['rsqrt', tf.rsqrt, 0.1, 2], ['exp', tf.exp, -2, 2], ['log', tf.log, 0.1, 3], ['log1p', tf.log1p, 0, 2],
  ['expm1', tf.expm1, -1, 1], ['relu', tf.relu, -1, 1], ['relu6', tf.relu6, -8, 8], ['sigmoid', tf.sigmoid, -4, 4],
  ['tanh', tf.tanh, -2, 2], ['reciprocal', tf.reciprocal, 0.5, 2], ['sign', tf.sign, -1, 1], ['floor', tf.floor, -3, 3],
  ['ceil', tf.ceil, -3, 3], ['round', tf.round, -3, 3], ['step', (x) => tf.step(x), -1, 1], ['step(alpha)', (x) => tf.step(x, 0.3), -1, 1],
  ['elu', tf.elu, -2, 2], ['leakyRelu', (x) => tf.leakyRelu(x, 0.1), -1, 1], ['erf', tf.erf, -2, 2], ['sin', tf.sin, -3, 3],
  ['cos', tf.cos, -3, 3], ['softplus', tf.softplus, -3, 3],
];

const binary: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, number, number][] = [
  ['add', tf.add, -1, 1], ['sub', tf.sub, -1, 1], ['mul', tf.mul, -1, 1], ['div', tf.div, 0.5, 2], ['pow', tf.pow, 0.5, 2],
  ['maximum', tf.maximum, -1, 1], ['minimum', tf.minimum, -1, 1], ['squaredDifference', tf.squaredDifference, -1, 1],
  ['floorDiv', tf.floorDiv, 0.5, 4], ['mod', tf.mod, 0.5, 3], ['atan2', tf.atan2, 0.5, 2], ['prelu', tf.prelu, -1, 1],
];
const compare: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['equal', tf.equal], ['notEqual', tf.notEqual], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less], ['lessEqual', tf.lessEqual],
];

const cases: Case[] = [];
for (const [name, f, lo, hi] of unary) {
  cases.push([`${name} [3,5]`, () => f(t([3, 5], 1, lo, hi))]);
  cases.push([`${name} empty [0,4]`, () => f(t([0, 4], 1, lo, hi))]);
  if (!['sign', 'floor', 'ceil', 'round', 'step', 'step(alpha)'].includes(name)) cases.push([`grad ${name}`, () => grads(f, t([4, 3], 2, lo, hi))]);
}
cases.push(['step and relu keep NaN', () => { const x = tf.tensor([NaN, -1, 0, 2]); return [tf.step(x), tf.relu(x)]; }]);
for (const [name, f, lo, hi] of binary) {
  for (const [sa, sb] of [[[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [3, 1]], [[1, 4], [5, 1]], [[2, 3], []]] as number[][][]) {
    if (name === 'prelu' && sb.length > 0 && sb.join() !== sa.join()) continue;
    cases.push([`${name} [${sa}]x[${sb}]`, () => f(t(sa, 3, lo, hi), t(sb, 4, lo, hi))]);
  }
  // tfjs's own gradients of maximum/minimum/squaredDifference/prelu do not reduce broadcast inputs: same shapes there.
  const sameShape = ['maximum', 'minimum', 'squaredDifference', 'prelu'].includes(name);
  if (!['floorDiv', 'mod'].includes(name)) cases.push([`grad ${name}${sameShape ? '' : ' broadcast'}`, () => grads(f, t([2, 3, 4], 5, lo, hi), t(sameShape ? [2, 3, 4] : [3, 1], 6, lo, hi))]);
}
cases.push(['int32 add/mul/sub/floorDiv/mod', () => {
  const a = ints([3, 4], 7, 20), b = tf.add(ints([4], 8, 5), 1);
  return [tf.add(a, b), tf.mul(a, b), tf.sub(a, b), tf.floorDiv(a, b), tf.mod(a, b), tf.maximum(a, b)];
}]);
for (const [name, f] of compare) {
  cases.push([`${name} with ties`, () => f(tf.round(t([3, 4], 9, 0, 3)), tf.round(t([4], 10, 0, 3)))]);
  cases.push([`${name} int32`, () => f(ints([3, 4], 11, 4), ints([3, 1], 12, 4))]);
}
cases.push(['logicalAnd/Or/Not', () => {
  const a = tf.greater(t([3, 4], 13), 0), b = tf.greater(t([4], 14), 0);
  return [tf.logicalAnd(a, b), tf.logicalOr(a, b), tf.logicalNot(a)];
}]);
cases.push(['isNaN', () => tf.isNaN(tf.tensor([1, NaN, 0]))]);
cases.push(['where (select) with broadcasting', () => {
  const c = tf.greater(t([3, 4], 15), 0);
  return [tf.where(c, t([3, 4], 16), t([3, 4], 17)), tf.where(tf.greater(t([4], 18), 0), t([3, 4], 18), t([3, 1], 19))];
}]);
cases.push(['grad where', () => {
  const c = tf.greater(t([3, 4], 15), 0);
  return grads((a, b) => tf.where(c, a, b), t([3, 4], 20), t([3, 4], 21));
}]);
cases.push(['cast float→int32/bool, int→float, bool→float', () => {
  const x = t([2, 5], 22, -3, 3);
  return [tf.cast(x, 'int32'), tf.cast(x, 'bool'), tf.cast(ints([4], 23, 9), 'float32'), tf.cast(tf.greater(x, 0), 'float32'), tf.cast(x, 'float32')];
}]);
cases.push(['clipByValue and its grad', () => [tf.clipByValue(t([3, 4], 24), -0.3, 0.5), ...grads((x) => tf.clipByValue(x, -0.3, 0.5), t([3, 4], 24))]]);
cases.push(['addN and grad', () => [tf.addN([t([2, 3], 25), t([2, 3], 26), t([2, 3], 27)]), ...grads((a, b) => tf.addN([a, b, a]), t([2, 3], 25), t([2, 3], 26))]]);
cases.push(['fill, zerosLike, onesLike, zeros, ones', () => [tf.fill([2, 3], 1.5), tf.fill([2], 3, 'int32'), tf.zerosLike(t([2, 2], 1)), tf.onesLike(ints([3], 1, 3)), tf.zeros([0, 2]), tf.ones([2, 1])]]);

// Reductions.
for (const [name, f] of [
  ['sum', tf.sum], ['mean', tf.mean], ['max', tf.max], ['min', tf.min], ['prod', tf.prod],
] as [string, (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor][]) {
  for (const [axis, keep] of [[undefined, false], [0, false], [-1, true], [[0, 2], false], [[1], true]] as [number | number[] | undefined, boolean][]) {
    cases.push([`${name} axis ${JSON.stringify(axis)} keepDims ${keep}`, () => f(t([2, 3, 4], 30, 0.5, 1.5), axis, keep)]);
  }
  cases.push([`grad ${name} axis 1`, () => grads((x) => f(x, 1), t([3, 4], 31, 0.5, 1.5))]);
  cases.push([`grad ${name} all`, () => grads((x) => f(x), t([3, 4], 32, 0.5, 1.5))]);
}
cases.push(['sum/prod of int32 and bool stay integer', () => [tf.sum(ints([3, 4], 33, 5), 1), tf.prod(ints([3, 2], 34, 4), 0), tf.sum(tf.greater(t([3, 4], 35), 0))]]);
cases.push(['sum over an empty axis', () => [tf.sum(t([0, 3], 36), 0), tf.sum(t([2, 0], 36), 1)]]);
cases.push(['all/any', () => { const b = tf.greater(t([3, 4], 37), -0.5); return [tf.all(b, 1), tf.any(b, 0), tf.all(b)]; }]);
cases.push(['argMax/argMin', () => [tf.argMax(t([3, 5], 38), 1), tf.argMax(t([3, 5], 38), 0), tf.argMin(t([3, 5], 39), -1)]]);
cases.push(['softmax rank 2/3 and grad', () => [tf.softmax(t([3, 7], 40, -3, 3)), tf.softmax(t([2, 3, 5], 41, -3, 3)), ...grads((x) => tf.softmax(x), t([3, 5], 42, -2, 2))]]);
cases.push(['logSoftmax and grad', () => [tf.logSoftmax(t([3, 7], 43, -3, 3)), ...grads((x) => tf.logSoftmax(x), t([3, 5], 44, -2, 2))]]);
cases.push(['cumsum/cumprod, exclusive and reverse', () => {
  const x = t([3, 4], 47, 0.5, 1.5);
  return [tf.cumsum(x, 1), tf.cumsum(x, 0, true, false), tf.cumsum(x, 1, false, true), tf.cumprod(x, 1, true, true), tf.cumsum(ints([5], 47, 4))];
}]);
cases.push(['unsortedSegmentSum', () => tf.unsortedSegmentSum(t([5, 3], 48), tf.tensor1d([2, 0, 2, 1, 0], 'int32'), 4)]);
cases.push(['topk values and indices, sorted', () => { const r = tf.topk(t([4, 9], 45), 3, true); return [r.values, r.indices]; }]);
cases.push(['topk with ties, k = 1, rank 1, and a NaN row (libtorch fallback)', () => {
  const ties = tf.round(t([5, 12], 49, 0, 4));
  const a = tf.topk(ties, 4), b = tf.topk(t([3, 6], 49), 1), c = tf.topk(t([9], 50), 3);
  return [a.values, a.indices, b.values, b.indices, c.values, c.indices, tf.topk(tf.tensor2d([[1, NaN, 3], [2, 0, 1]]), 2).values];
}]);
cases.push(['topk on rank 3 and k = n', () => { const r = tf.topk(t([2, 3, 5], 46), 5); return [r.values, r.indices]; }]);

// Layout.
cases.push(['reshape with -1, and grad', () => [tf.reshape(t([2, 3, 4], 50), [-1, 4]), ...grads((x) => tf.reshape(x, [4, 6]), t([2, 3, 4], 51))]]);
cases.push(['expandDims/squeeze', () => [tf.expandDims(t([2, 3], 52), 1), tf.expandDims(t([2, 3], 52), -1), tf.squeeze(t([2, 1, 3], 53))]]);
cases.push(['transpose and grad', () => [tf.transpose(t([2, 3, 4], 54), [2, 0, 1]), tf.transpose(t([3, 4], 55)), ...grads((x) => tf.transpose(x, [1, 2, 0]), t([2, 3, 4], 56))]]);
cases.push(['transposed views feed other kernels', () => {
  const x = tf.transpose(t([2, 3, 4], 57), [2, 0, 1]);
  return [tf.reshape(x, [4, 6]), tf.add(x, 1), tf.sum(x, 1), tf.matMul(tf.reshape(x, [4, 6]), t([6, 2], 58))];
}]);
cases.push(['slice with -1 sizes, and grad', () => [tf.slice(t([4, 5, 3], 59), [1, 0, 1], [2, -1, 2]), tf.slice(t([6], 60), 2), ...grads((x) => tf.slice(x, [0, 1], [-1, 2]), t([3, 4], 61))]]);
cases.push(['concat axis 0/1/-1 incl. empty, and grad', () => [
  tf.concat([t([2, 3], 62), t([1, 3], 63)], 0), tf.concat([t([2, 3], 62), t([2, 2], 64), t([2, 0], 65)], -1),
  tf.concat([t([0, 3], 66), t([0, 3], 67)], 0), tf.concat([t([2, 3], 68)], 1),
  ...grads((a, b) => tf.concat([a, b], 1), t([2, 3], 69), t([2, 2], 70)),
]]);
cases.push(['split sizes with -1, and grad', () => [...tf.split(t([2, 7], 71), [2, -1, 3], 1), ...tf.split(t([4, 2], 72), 2, 0), ...grads((x) => tf.split(x, [1, 3], 1)[1], t([2, 4], 73))]]);
cases.push(['pad and grad', () => [tf.pad(t([2, 3], 74), [[1, 0], [2, 1]], 0.5), ...grads((x) => tf.pad(x, [[0, 1], [1, 1]]), t([2, 3], 75))]]);
cases.push(['tile and grad', () => [tf.tile(t([2, 3], 76), [2, 3]), tf.tile(t([1, 1, 2], 77), [3, 1, 2]), ...grads((x) => tf.tile(x, [2, 1]), t([2, 3], 78))]]);
cases.push(['broadcastTo and grad', () => [tf.broadcastTo(t([3, 1], 79), [2, 3, 4]), ...grads((x) => tf.broadcastTo(x, [2, 3, 4]), t([1, 4], 80))]]);
cases.push(['oneHot incl. out of range, dtypes', () => [
  tf.oneHot(tf.tensor1d([0, 3, 1, 5, -1], 'int32'), 4), tf.oneHot(tf.tensor2d([[0, 2], [1, 1]], undefined, 'int32'), 3, 2, -1, 'float32'),
]]);
cases.push(['gather and its grad', () => [tf.gather(t([5, 3], 81), tf.tensor1d([4, 0, 2, 2], 'int32')), tf.gather(t([2, 5], 82), tf.tensor1d([1, 3], 'int32'), 1), ...grads((x) => tf.gather(x, tf.tensor1d([1, 1, 0], 'int32')), t([3, 2], 83))]]);
cases.push(['stack/unstack and grads', () => [tf.stack([t([2, 3], 84), t([2, 3], 85)], 1), ...tf.unstack(t([3, 2], 86), 1), ...grads((a, b) => tf.stack([a, b], 0), t([2, 2], 87), t([2, 2], 88))]]);

// Products.
for (const [sa, sb, ta, tb] of [
  [[3, 4], [4, 5], false, false], [[4, 3], [4, 5], true, false], [[3, 4], [5, 4], false, true], [[4, 3], [5, 4], true, true],
  [[2, 3, 4], [2, 4, 5], false, false], [[2, 4, 3], [2, 5, 4], true, true], [[2, 3, 4], [1, 4, 5], false, false], [[2, 2, 3, 4], [4, 5], false, false],
  [[0, 4], [4, 3], false, false],
  // batched small products (the AVX-512 kernel where available): attention's shapes, tails of rows and of 16-lanes,
  // transposed operands read in place, an empty batch, and one past the kernel's size limit (torch's bmm)
  [[5, 49, 16], [5, 49, 16], false, true], [[5, 49, 49], [5, 49, 16], false, false], [[5, 49, 49], [5, 49, 16], true, false],
  [[3, 70, 17], [3, 70, 9], true, false], [[3, 5, 67], [3, 33, 67], false, true], [[2, 9, 5], [2, 81, 9], true, true],
  [[0, 3, 4], [0, 4, 5], false, false], [[2, 3, 300], [2, 300, 4], false, false],
] as [number[], number[], boolean, boolean][]) {
  cases.push([`matMul [${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`, () => tf.matMul(t(sa, 90), t(sb, 91), ta, tb)]);
  // tfjs's BatchMatMul gradient does not reduce a broadcast batch: gradients only for equal batch shapes.
  if (sa[0] !== 0 && sa.length === sb.length && sa.slice(0, -2).join() === sb.slice(0, -2).join()) cases.push([`grad matMul [${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`, () => grads((a, b) => tf.matMul(a, b, ta, tb), t(sa, 92), t(sb, 93))]);
}
cases.push(['fused matMul with bias and relu, and grads', () => [
  tf.fused.matMul({ a: t([3, 4], 94), b: t([4, 5], 95), bias: t([5], 96), activation: 'relu' }),
  tf.fused.matMul({ a: t([4, 3], 94), b: t([5, 4], 95), transposeA: true, transposeB: true, bias: t([1], 97), activation: 'linear' }),
  ...grads((a, b, c) => tf.fused.matMul({ a, b, bias: c, activation: 'relu' }), t([3, 4], 98), t([4, 5], 99), t([5], 100)),
]]);
cases.push(['depthwiseConv2d, grouped-product layout (fast path)', () => tf.depthwiseConv2d(t4([1, 7, 5, 6], 101), t4([1, 5, 6, 4], 102), 1, 'valid')]);
cases.push(['depthwiseConv2d, batch 2, multiplier 1 (fast path)', () => tf.depthwiseConv2d(t4([2, 3, 4, 3], 103), t4([1, 4, 3, 1], 104), 1, 'valid')]);
cases.push(['depthwiseConv2d same padding, stride 2, 3x3 (conv2d path)', () => tf.depthwiseConv2d(t4([2, 7, 6, 3], 105), t4([3, 3, 3, 2], 106), 2, 'same')]);
cases.push(['depthwiseConv2d valid, dilation 2 (conv2d path)', () => tf.depthwiseConv2d(t4([1, 7, 7, 2], 107), t4([2, 2, 2, 3], 108), 1, 'valid', 'NHWC', 2)]);
cases.push(['depthwiseConv2d on transposed input (fast path, strided)', () => tf.depthwiseConv2d(t4r(tf.transpose(t([5, 6, 4], 109), [1, 0, 2]), [1, 6, 5, 4]), t4([1, 5, 4, 3], 110), 1, 'valid')]);

describe('libtorch backend: kernels against the cpu backend', function () {
  this.timeout(120_000);
  let restore: () => Promise<void>;
  before(async function () {
    restore = rememberBackend();
    await requireLibtorch.call(this);
  });
  after(async () => restore?.());

  for (const [name, f] of cases) {
    it(name, async () => {
      const ref = await runOn('cpu', f);
      const got = await runOn('libtorch', f);
      const bad = mismatch(got, ref, 1e-5);
      expect(bad, bad ?? '').to.equal(null);
    });
  }

  it('grouped products also match on the BLAS path (CPUs without AVX-512)', async () => {
    const f = () => [
      tf.depthwiseConv2d(t4([1, 7, 5, 6], 101), t4([1, 5, 6, 4], 102), 1, 'valid'),
      tf.depthwiseConv2d(t4r(tf.transpose(t([5, 6, 4], 109), [1, 0, 2]), [1, 6, 5, 4]), t4([1, 5, 4, 3], 110), 1, 'valid'),
    ];
    const ref = await runOn('cpu', f);
    process.env.TOPK_LIBTORCH_NO_AVX512 = '1';
    try {
      const got = await runOn('libtorch', f);
      const bad = mismatch(got, ref, 1e-5);
      expect(bad, bad ?? '').to.equal(null);
    } finally {
      delete process.env.TOPK_LIBTORCH_NO_AVX512;
    }
  });

  it('implements every kernel the ViT training step and evaluation hit', () => {
    // From native/tools/trace-kernels.ts (training with clipping, validation, prediction; vanilla and Top-k; mean and cls),
    // with the fused kernels of src/fused-kernels.ts (the libtorch path) and the composed ops they replace.
    const used = [...Object.values(FUSED_KERNELS), 'Add', 'AddN', 'ArgMax', 'BatchMatMul', 'Cast', 'Concat', 'DepthwiseConv2dNative', 'Equal', 'Exp', 'Identity', 'Log', 'Max', 'Mean', 'Multiply', 'Neg', 'OneHot', 'PadV2', 'Pow', 'RealDiv', 'Relu', 'Reshape', 'Rsqrt', 'Slice', 'Softmax', 'SplitV', 'Sqrt', 'Square', 'Step', 'Sub', 'Sum', 'Tile', 'TopK', 'Transpose', 'ZerosLike', 'Fill', 'OnesLike'];
    const have = new Set(libtorchKernelNames());
    expect(used.filter((k) => !have.has(k))).to.deep.equal([]);
  });

  it('takes over tensors created on another backend (and gives them back)', async () => {
    await tf.setBackend('cpu');
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const i = tf.tensor1d([1, 0], 'int32');
    await tf.setBackend('libtorch');
    const b = tf.matMul(a, a);
    const c = tf.gather(b, i);
    expect(Array.from(c.dataSync())).to.deep.equal([15, 22, 7, 10]);
    await tf.setBackend('cpu');
    expect(tf.tidy(() => Array.from(tf.add(c, 1).dataSync()))).to.deep.equal([16, 23, 8, 11]);
    await tf.setBackend('libtorch');
    tf.dispose([a, i, b, c]);
  });

  it('fails loudly on a kernel it does not implement, naming it', async () => {
    await tf.setBackend('libtorch');
    expect(() => tf.tidy(() => tf.conv2d(t([1, 4, 4, 1], 1) as tf.Tensor4D, t([2, 2, 1, 1], 2) as tf.Tensor4D, 1, 'valid'))).to.throw(
      /Kernel 'Conv2D' not registered for backend 'libtorch'/,
    );
  });

  it('reports libtorch errors with the kernel name', async () => {
    await tf.setBackend('libtorch');
    expect(() => tf.tidy(() => tf.engine().runKernel('BatchMatMul', { a: t([2, 3], 1), b: t([2, 3], 2) }, { transposeA: false, transposeB: false }))).to.throw(
      /libtorch backend, kernel BatchMatMul: libtorch: .*cannot be multiplied/,
    );
  });
});
