// Layout kernels: reshape, transpose, slice, concat, split, pad, tile, broadcastTo, oneHot, gather.
// All tensors are row-major with the tfjs shape. Reshape/transpose/slice/broadcastTo return views of the input's
// storage (no copy); libtorch copies lazily when a later op needs contiguous memory.
#include "napi_util.h"
#include "store.h"

namespace {

using tl::Args;

// reshape(x, shape) → register; shape fully specified (the TS side resolves -1).
TL_FN(reshape) { return tl::result(a.env, a.tensor(0).reshape(a.ints(1))); }

// transpose(x, perm) → register: out.shape[i] = x.shape[perm[i]] (a view).
TL_FN(transpose) { return tl::result(a.env, a.tensor(0).permute(a.ints(1))); }

// slice(x, begin, size) → register; begin/size resolved (no -1) by the TS side.
TL_FN(slice) {
  at::Tensor y = a.tensor(0);
  std::vector<int64_t> b = a.ints(1), s = a.ints(2);
  for (size_t d = 0; d < b.size(); d++) {
    if (b[d] != 0 || s[d] != y.size(static_cast<int64_t>(d))) y = y.narrow(static_cast<int64_t>(d), b[d], s[d]);
  }
  return tl::result(a.env, std::move(y));
}

// concat([h...], axis) → register.
TL_FN(concat) { return tl::result(a.env, at::cat(a.tensors(0), a.i64(1))); }

// split(x, sizes, axis) → register with one output per size.
TL_FN(split) {
  const at::Tensor& x = a.tensor(0);
  std::vector<int64_t> sizes = a.ints(1);
  std::vector<at::Tensor> parts = x.split_with_sizes(sizes, a.i64(2));
  tl::begin(static_cast<int>(parts.size()));
  for (auto& p : parts) tl::emit(p);
  return nullptr;
}

// pad(x, paddings, value) → register. paddings: flat [before0, after0, before1, after1, ...] in tfjs dim order;
// torch's constant_pad_nd wants them last dim first.
TL_FN(pad) {
  const at::Tensor& x = a.tensor(0);
  std::vector<int64_t> p = a.ints(1);
  std::vector<int64_t> tp;
  for (int64_t d = static_cast<int64_t>(p.size() / 2) - 1; d >= 0; d--) {
    tp.push_back(p[2 * d]);
    tp.push_back(p[2 * d + 1]);
  }
  return tl::result(a.env, at::constant_pad_nd(x, tp, a.num(2)));
}

// tile(x, reps) → register (torch's repeat has tf.tile's semantics).
TL_FN(tile) { return tl::result(a.env, a.tensor(0).repeat(a.ints(1))); }

// broadcastTo(x, shape) → register (a view; x's rank may be smaller).
TL_FN(broadcastTo) { return tl::result(a.env, a.tensor(0).expand(a.ints(1))); }

// oneHot(indices, depth, onValue, offValue, dtype) → register [..., depth]. Out-of-range indices give a row of
// offValue (as tfjs), so this compares against arange instead of calling torch's one_hot (which throws).
TL_FN(oneHot) {
  const at::Tensor& idx = a.tensor(0);
  int64_t depth = a.i64(1);
  at::ScalarType st = tl::scalar_type(static_cast<int>(a.i64(4)));
  at::Tensor hit = at::eq(idx.to(at::kLong).unsqueeze(-1), at::arange(depth, at::TensorOptions().dtype(at::kLong)));
  at::Tensor on = at::full({}, a.num(2), at::TensorOptions().dtype(st));
  at::Tensor off = at::full({}, a.num(3), at::TensorOptions().dtype(st));
  return tl::result(a.env, at::where(hit, on, off));
}

// gather(x, indices, axis) → register: x.shape[:axis] + indices.shape + x.shape[axis+1:] (batchDims 0).
TL_FN(gather) {
  const at::Tensor& x = a.tensor(0);
  const at::Tensor& idx = a.tensor(1);
  int64_t axis = a.i64(2);
  at::Tensor flat = at::index_select(x, axis, idx.reshape({-1}).to(at::kLong));
  std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
  for (int64_t s : idx.sizes()) shape.push_back(s);
  for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
  return tl::result(a.env, flat.reshape(shape));
}

}  // namespace

namespace tl {
void register_layout(napi_env env, napi_value exports) {
  define(env, exports, "reshape", reshape);
  define(env, exports, "transpose", transpose);
  define(env, exports, "slice", slice);
  define(env, exports, "concat", concat);
  define(env, exports, "split", split);
  define(env, exports, "pad", pad);
  define(env, exports, "tile", tile);
  define(env, exports, "broadcastTo", broadcastTo);
  define(env, exports, "oneHot", oneHot);
  define(env, exports, "gather", gather);
}
}  // namespace tl
