/**
 * tfjs kernels of the 'libtorch' backend. Each kernel resolves tfjs's attribute conventions (negative axes, -1
 * sizes, 'same' padding) here in TypeScript and calls one addon function (native/src/*.cc) on the input handles;
 * the addon reports outputs through the backend's return register. Kernels not listed here are not registered, and
 * tfjs then throws "Kernel 'X' not registered for backend 'libtorch'": never a silent fallback to another backend.
 *
 * The list covers every kernel a training step (forward, tfjs's gradient definitions, AdamW, clipping) and an
 * evaluation of the harness's ViT run (native/tools/trace-kernels.ts prints them), plus close relatives.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS } from '../fused-kernels.js';
import { BACKEND_NAME, DTYPE_CODE, LibtorchBackend } from './backend.js';

type Inputs = Record<string, tf.TensorInfo>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Attrs = Record<string, any>;
type Impl = (b: LibtorchBackend, inputs: Inputs, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[];

const registered: string[] = [];

function reg(kernelName: string, impl: Impl): void {
  tf.registerKernel({
    kernelName,
    backendName: BACKEND_NAME,
    kernelFunc: ({ inputs, backend, attrs }) => {
      try {
        return impl(backend as LibtorchBackend, inputs as unknown as Inputs, (attrs ?? {}) as Attrs);
      } catch (err) {
        throw new Error(`libtorch backend, kernel ${kernelName}: ${(err as Error).message}`);
      }
    },
  });
  registered.push(kernelName);
}

/** Kernel names this backend implements. */
export function libtorchKernelNames(): string[] {
  return [...registered];
}

function dtypeCode(dtype: string): number {
  const c = DTYPE_CODE[dtype];
  if (c === undefined) throw new Error(`dtype ${dtype} is not supported`);
  return c;
}

/** Reuse the input's data: a new reference to the same dataId (as the cpu backend's Identity). */
function identity(b: LibtorchBackend, x: tf.TensorInfo): tf.TensorInfo {
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** Kernels with a list of inputs (Concat, AddN, Pack) get them as an array or as an object keyed by index. */
function listOf(inputs: Inputs): tf.TensorInfo[] {
  return (Array.isArray(inputs) ? inputs : Object.values(inputs)) as tf.TensorInfo[];
}

function axes(axis: number | number[] | undefined | null, shape: number[]): number[] {
  return tf.util.parseAxisParam(axis ?? null as unknown as number[], shape);
}

let done = false;

/**
 * Registers the kernels; withQkvAttention, withMlp, withBlocks: whether the addon has those fused kernels (builds
 * from before them do not, and the model then runs the separate ones). withBlocks: linearResidual, and the residual
 * inputs of mlp and layerNormGrad.
 */
export function registerLibtorchKernels(
  codes: { unary: Record<string, number>; binary: Record<string, number> }, withQkvAttention = true, withMlp = true, withBlocks = true,
): void {
  if (done) return;
  done = true;

  // Elementwise. Unary kernels take input x; Step's alpha is the value for x <= 0, LeakyRelu's alpha its slope.
  for (const [name, code] of Object.entries(codes.unary)) {
    reg(name, (b, { x }, attrs) => {
      b.native.unary(code, b.handle(x), attrs.alpha ?? 0);
      return b.output();
    });
  }
  for (const [name, code] of Object.entries(codes.binary)) {
    const [first, second] = name === 'Prelu' ? ['x', 'alpha'] : name === 'EluGrad' ? ['dy', 'y'] : ['a', 'b'];
    reg(name, (b, inputs) => {
      b.native.binary(code, b.handle(inputs[first]), b.handle(inputs[second]));
      return b.output();
    });
  }
  reg('Identity', (b, { x }) => identity(b, x));
  reg('Cast', (b, { x }, { dtype }) => {
    if (dtype === x.dtype) return identity(b, x);
    b.native.cast(b.handle(x), dtypeCode(dtype));
    return b.output();
  });
  reg('AddN', (b, inputs) => {
    const list = listOf(inputs);
    b.native.addN(list.map((t) => b.handle(t)));
    return b.output();
  });
  reg('Select', (b, { condition, t, e }) => {
    b.native.select(b.handle(condition), b.handle(t), b.handle(e));
    return b.output();
  });
  reg('ClipByValue', (b, { x }, { clipValueMin, clipValueMax }) => {
    b.native.clip(b.handle(x), clipValueMin, clipValueMax);
    return b.output();
  });
  reg('Fill', (b, _inputs, { shape, value, dtype }) => {
    b.native.fill(shape, Number(value), dtypeCode(dtype ?? 'float32'));
    return b.output();
  });
  reg('ZerosLike', (b, { x }) => {
    b.native.fullLike(b.handle(x), 0);
    return b.output();
  });
  reg('OnesLike', (b, { x }) => {
    b.native.fullLike(b.handle(x), 1);
    return b.output();
  });

  // Reductions, over tfjs axes (negative allowed; null = all).
  const reductions: [string, number, string][] = [
    ['Sum', 0, 'axis'], ['Mean', 1, 'axis'], ['Max', 2, 'reductionIndices'], ['Min', 3, 'axis'],
    ['Prod', 4, 'axis'], ['All', 5, 'axis'], ['Any', 6, 'axis'],
  ];
  for (const [name, code, attr] of reductions) {
    reg(name, (b, { x }, attrs) => {
      b.native.reduce(code, b.handle(x), axes(attrs[attr], x.shape), Boolean(attrs.keepDims));
      return b.output();
    });
  }
  for (const [name, isMin] of [['ArgMax', false], ['ArgMin', true]] as const) {
    reg(name, (b, { x }, { axis }) => {
      b.native.argReduce(isMin, b.handle(x), axes(axis, x.shape)[0]);
      return b.output();
    });
  }
  reg('Softmax', (b, { logits }, { dim }) => {
    b.native.softmax(b.handle(logits), dim === -1 || dim === undefined ? logits.shape.length - 1 : dim, false);
    return b.output();
  });
  for (const [name, isProd] of [['Cumsum', false], ['Cumprod', true]] as const) {
    reg(name, (b, { x }, { axis, exclusive, reverse }) => {
      b.native.cumulative(isProd, b.handle(x), axes(axis, x.shape)[0], Boolean(exclusive), Boolean(reverse));
      return b.output();
    });
  }
  reg('UnsortedSegmentSum', (b, { x, segmentIds }, { numSegments }) => {
    b.native.segmentSum(b.handle(x), b.handle(segmentIds), numSegments);
    return b.output();
  });
  reg('TopK', (b, { x }, { k, sorted }) => {
    b.native.topk(b.handle(x), k, sorted ?? true);
    return b.outputs();
  });

  // The harness's fused kernels (src/fused-kernels.ts; native/src/optim.cc, fused.cc). AdamW: three new tensors
  // [p', m', v'] from param, grad, m, v, with the scalars rounded as the composed tfjs formula rounds them.
  reg(FUSED_KERNELS.adamW, (b, { param, grad, m, v }, { lr, beta1, beta2, epsilon, weightDecay, c1, c2 }) => {
    const decayed = weightDecay > 0;
    b.native.adamw(b.handle(param), b.handle(grad), b.handle(m), b.handle(v), beta1, 1 - beta1, beta2, 1 - beta2,
      lr / c1, c2, epsilon, decayed, decayed ? lr * weightDecay : 0);
    return b.outputs();
  });
  reg(FUSED_KERNELS.layerNorm, (b, { x, gain, bias }, { epsilon }) => {
    b.native.layerNorm(b.handle(x), b.handle(gain), b.handle(bias), epsilon);
    return b.outputs();
  });
  reg(FUSED_KERNELS.layerNormGrad, (b, { dy, x, gain, mean, rstd, addend }) => {
    if (addend !== undefined && !withBlocks) throw new Error('this build of the addon has no addend to layerNormGrad: rebuild it (npm run build:native)');
    b.native.layerNormGrad(b.handle(dy), b.handle(x), b.handle(gain), b.handle(mean), b.handle(rstd), addend === undefined ? -1 : b.handle(addend));
    return b.outputs();
  });
  reg(FUSED_KERNELS.softmax, (b, { x }, { scale }) => {
    b.native.softmaxScaled(b.handle(x), scale);
    return b.output();
  });
  reg(FUSED_KERNELS.softmaxGrad, (b, { dy, y }, { scale }) => {
    b.native.softmaxGrad(b.handle(dy), b.handle(y), scale);
    return b.output();
  });
  reg(FUSED_KERNELS.reluTopK, (b, { x }, { k }) => {
    b.native.reluTopK(b.handle(x), k);
    return b.output();
  });
  reg(FUSED_KERNELS.reluGrad, (b, { dy, y }) => {
    b.native.reluGrad(b.handle(dy), b.handle(y));
    return b.output();
  });
  reg(FUSED_KERNELS.linear, (b, { x, w, bias }) => {
    b.native.linear(b.handle(x), b.handle(w), b.handle(bias));
    return b.output();
  });
  reg(FUSED_KERNELS.linearGrad, (b, { dy, x, w }) => {
    b.native.linearGrad(b.handle(dy), b.handle(x), b.handle(w));
    return b.outputs();
  });
  reg(FUSED_KERNELS.positiveCounts, (b, { x }) => {
    b.native.positiveCounts(b.handle(x));
    return b.output();
  });
  reg(FUSED_KERNELS.attention, (b, { q, k, v }, { batch, heads, scale }) => {
    b.native.attention(b.handle(q), b.handle(k), b.handle(v), batch, heads, scale);
    return b.outputs();
  });
  reg(FUSED_KERNELS.attentionGrad, (b, { dy, q, k, v, probs }, { batch, heads, scale }) => {
    b.native.attentionGrad(b.handle(dy), b.handle(q), b.handle(k), b.handle(v), b.handle(probs), batch, heads, scale);
    return b.outputs();
  });
  if (withMlp) {
    reg(FUSED_KERNELS.mlp, (b, { x, w1, b1, w2, b2, residual }, { k, counts }) => {
      if (residual !== undefined && !withBlocks) throw new Error('this build of the addon has no residual to mlp: rebuild it (npm run build:native)');
      b.native.mlp!(b.handle(x), b.handle(w1), b.handle(b1), b.handle(w2), b.handle(b2), k, counts, residual === undefined ? -1 : b.handle(residual));
      return b.outputs();
    });
    reg(FUSED_KERNELS.mlpGrad, (b, { dy, x, a, w1, w2 }) => {
      b.native.mlpGrad!(b.handle(dy), b.handle(x), b.handle(a), b.handle(w1), b.handle(w2));
      return b.outputs();
    });
  }
  if (withBlocks) {
    reg(FUSED_KERNELS.linearResidual, (b, { x, w, bias, r }) => {
      b.native.linearResidual!(b.handle(x), b.handle(w), b.handle(bias), b.handle(r));
      return b.output();
    });
  }
  if (withQkvAttention) {
    reg(FUSED_KERNELS.qkvAttention, (b, { x, wq, wk, wv, bq, bk, bv }, { batch, heads, scale }) => {
      b.native.qkvAttention!(b.handle(x), b.handle(wq), b.handle(wk), b.handle(wv), b.handle(bq), b.handle(bk), b.handle(bv), batch, heads, scale);
      return b.outputs();
    });
    reg(FUSED_KERNELS.qkvAttentionGrad, (b, { dy, x, qkv, probs, wq, wk, wv }, { batch, heads, scale }) => {
      b.native.qkvAttentionGrad!(b.handle(dy), b.handle(x), b.handle(qkv), b.handle(probs), b.handle(wq), b.handle(wk), b.handle(wv), batch, heads, scale);
      return b.outputs();
    });
  }

  // Layout.
  reg('Reshape', (b, { x }, { shape }) => {
    const s = tf.util.inferFromImplicitShape(shape, tf.util.sizeFromShape(x.shape));
    b.native.reshape(b.handle(x), s);
    return b.output();
  });
  reg('ExpandDims', (b, { input }, { dim }) => {
    const rank = input.shape.length;
    let d = dim as number;
    if (d < 0) d = rank + d + 1;
    const s = input.shape.slice();
    s.splice(d, 0, 1);
    b.native.reshape(b.handle(input), s);
    return b.output();
  });
  reg('Transpose', (b, { x }, { perm }) => {
    b.native.transpose(b.handle(x), perm);
    return b.output();
  });
  reg('Slice', (b, { x }, { begin, size }) => {
    const [bg, sz] = tf.slice_util.parseSliceParams(x, begin, size);
    tf.slice_util.assertParamsValid(x, bg, sz);
    b.native.slice(b.handle(x), bg, sz);
    return b.output();
  });
  reg('Concat', (b, inputs, { axis }) => {
    const list = listOf(inputs);
    const ax = axes(axis, list[0].shape)[0];
    const outShape = tf.backend_util.computeOutShape(list.map((t) => t.shape), ax);
    if (tf.util.sizeFromShape(outShape) === 0) return b.makeTensorInfo(outShape, list[0].dtype);
    const nonEmpty = list.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length === 1) return identity(b, nonEmpty[0]);
    b.native.concat(nonEmpty.map((t) => b.handle(t)), ax);
    return b.output();
  });
  reg('Pack', (b, inputs, { axis }) => {
    const list = listOf(inputs);
    const s = list[0].shape.slice();
    const ax = axis < 0 ? axis + s.length + 1 : axis;
    s.splice(ax, 0, 1);
    const parts = list.map((t) => {
      b.native.reshape(b.handle(t), s);
      return b.reg[1];
    });
    try {
      b.native.concat(parts, ax);
    } finally {
      parts.forEach((h) => b.native.dispose(h));
    }
    return b.output();
  });
  reg('Unpack', (b, { value }, { axis }) => {
    const ax = axes(axis, value.shape)[0];
    const n = value.shape[ax];
    const outShape = value.shape.filter((_, i) => i !== ax);
    const out: tf.TensorInfo[] = [];
    for (let i = 0; i < n; i++) {
      const begin = value.shape.map((_, d) => (d === ax ? i : 0));
      const size = value.shape.map((s, d) => (d === ax ? 1 : s));
      b.native.slice(b.handle(value), begin, size);
      const h = b.reg[1];
      b.native.reshape(h, outShape);
      b.native.dispose(h);
      out.push(b.output());
    }
    return out;
  });
  reg('SplitV', (b, { x }, { numOrSizeSplits, axis }) => {
    const ax = axes(axis, x.shape)[0];
    b.native.split(b.handle(x), tf.backend_util.prepareSplitSize(x, numOrSizeSplits, ax), ax);
    return b.outputs();
  });
  reg('PadV2', (b, { x }, { paddings, constantValue }) => {
    b.native.pad(b.handle(x), (paddings as [number, number][]).flat(), constantValue ?? 0);
    return b.output();
  });
  reg('Tile', (b, { x }, { reps }) => {
    b.native.tile(b.handle(x), reps);
    return b.output();
  });
  reg('BroadcastTo', (b, { x }, { shape }) => {
    b.native.broadcastTo(b.handle(x), shape);
    return b.output();
  });
  reg('OneHot', (b, { indices }, { depth, onValue, offValue, dtype }) => {
    b.native.oneHot(b.handle(indices), depth, onValue ?? 1, offValue ?? 0, dtypeCode(dtype ?? 'int32'));
    return b.output();
  });
  reg('GatherV2', (b, { x, indices }, { axis, batchDims }) => {
    if (batchDims) throw new Error('batchDims != 0 is not supported');
    b.native.gather(b.handle(x), b.handle(indices), axes(axis, x.shape)[0]);
    return b.output();
  });

  // Products.
  reg('BatchMatMul', (b, { a, b: bb }, { transposeA, transposeB }) => {
    b.native.matmul(b.handle(a), b.handle(bb), Boolean(transposeA), Boolean(transposeB));
    return b.output();
  });
  reg('_FusedMatMul', (b, { a, b: bb, bias, preluActivationWeights }, { transposeA, transposeB, activation, leakyreluAlpha }) => {
    const n = b.native;
    const temps: number[] = [];
    const step = (f: () => void) => {
      f();
      temps.push(b.reg[1]);
      return b.reg[1];
    };
    try {
      let h = step(() => n.matmul(b.handle(a), b.handle(bb), Boolean(transposeA), Boolean(transposeB)));
      if (bias) h = step(() => n.binary(codes.binary.Add, h, b.handle(bias)));
      const act = (activation ?? 'linear') as string;
      if (act === 'relu') h = step(() => n.unary(codes.unary.Relu, h, 0));
      else if (act === 'relu6') h = step(() => n.unary(codes.unary.Relu6, h, 0));
      else if (act === 'elu') h = step(() => n.unary(codes.unary.Elu, h, 0));
      else if (act === 'sigmoid') h = step(() => n.unary(codes.unary.Sigmoid, h, 0));
      else if (act === 'leakyrelu') h = step(() => n.unary(codes.unary.LeakyRelu, h, leakyreluAlpha ?? 0.2));
      else if (act === 'prelu') h = step(() => n.binary(codes.binary.Prelu, h, b.handle(preluActivationWeights)));
      else if (act !== 'linear') throw new Error(`activation ${act} is not supported`);
      n.identity(h); // the result as a fresh handle; every intermediate is disposed below
      return b.output();
    } finally {
      temps.forEach((t) => n.dispose(t));
    }
  });
  reg('DepthwiseConv2dNative', (b, { x, filter }, { strides, pad, dilations, dimRoundingMode, dataFormat }) => {
    if (dataFormat && dataFormat !== 'NHWC') throw new Error(`dataFormat ${dataFormat} is not supported`);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      strides, dilations ?? 1, pad, dimRoundingMode, true,
    );
    const p = info.padInfo;
    b.native.depthwise(b.handle(x), b.handle(filter), info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, p.top, p.bottom, p.left, p.right);
    return b.output();
  });
}
