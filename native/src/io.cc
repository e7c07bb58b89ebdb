// Tensor lifetime and data transfer: init (the return register), create from a TypedArray, read back, dispose,
// identity (a new handle on the same tensor), statistics, library information and thread control.
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/csrc/api/include/torch/version.h>

#include <cstring>

#include "napi_util.h"
#include "pool.h"
#include "store.h"

namespace {

using tl::Args;

// init(register: Float64Array): where every op writes its outputs (see store.h).
napi_ref g_reg_ref = nullptr;
TL_FN(init) {
  napi_typedarray_type type;
  size_t len;
  void* data;
  napi_value buf;
  size_t off;
  tl::check(a.env, napi_get_typedarray_info(a.env, a.raw(0), &type, &len, &data, &buf, &off), "typedarray_info");
  if (type != napi_float64_array || len < 64) throw tl::ArgError("init expects a Float64Array of at least 64 entries");
  if (g_reg_ref) napi_delete_reference(a.env, g_reg_ref);
  tl::check(a.env, napi_create_reference(a.env, a.raw(0), 1, &g_reg_ref), "create_reference");  // keep it alive
  tl::set_register(static_cast<double*>(data), len);
  return nullptr;
}

// fromArray(values: TypedArray, shape: number[], dtype: code) → register. Copies the values.
// Layout: row-major (C order), as tfjs stores values; the tensor is contiguous.
TL_FN(fromArray) {
  napi_typedarray_type type;
  size_t len;
  void* data;
  napi_value buf;
  size_t off;
  if (napi_get_typedarray_info(a.env, a.raw(0), &type, &len, &data, &buf, &off) != napi_ok) {
    throw tl::ArgError("fromArray expects a TypedArray");
  }
  std::vector<int64_t> shape = a.ints(1);
  at::ScalarType want = tl::scalar_type(static_cast<int>(a.i64(2)));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  if (static_cast<int64_t>(len) != n) {
    throw tl::ArgError("fromArray: " + std::to_string(len) + " values for a shape of " + std::to_string(n) + " elements");
  }
  at::ScalarType have;
  switch (type) {
    case napi_float32_array: have = at::kFloat; break;
    case napi_int32_array: have = at::kInt; break;
    case napi_uint8_array: have = want == at::kBool ? at::kBool : at::kByte; break;
    case napi_float64_array: have = at::kDouble; break;
    default: throw tl::ArgError("fromArray: unsupported TypedArray type");
  }
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(have));
  if (n > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(n) * t.element_size());
  if (have != want) t = t.to(want);
  return tl::result(a.env, std::move(t));
}

// read(handle) → Float32Array | Int32Array | Uint8Array (bool), a copy in row-major order.
TL_FN(read) {
  at::Tensor t = a.tensor(0).contiguous();
  napi_typedarray_type type;
  switch (t.scalar_type()) {
    case at::kFloat: type = napi_float32_array; break;
    case at::kInt: type = napi_int32_array; break;
    case at::kBool: type = napi_uint8_array; break;
    default: throw std::runtime_error("read: unsupported dtype");
  }
  size_t bytes = t.numel() * t.element_size();
  void* dst;
  napi_value ab, out;
  tl::check(a.env, napi_create_arraybuffer(a.env, bytes, &dst, &ab), "create_arraybuffer");
  if (bytes) std::memcpy(dst, t.data_ptr(), bytes);
  tl::check(a.env, napi_create_typedarray(a.env, type, t.numel(), ab, 0, &out), "create_typedarray");
  return out;
}

// dispose(handle): frees the handle; libtorch frees the storage when no view holds it any more.
TL_FN(dispose) {
  tl::drop(static_cast<uint32_t>(a.i64(0)));
  return nullptr;
}

// identity(handle) → register: a new handle on the same (immutable) tensor.
TL_FN(identity) { return tl::result(a.env, a.tensor(0)); }

// stats() → { tensors, bytes }: live handles and the bytes of their storages.
TL_FN(stats) {
  napi_value o, n, b;
  napi_create_object(a.env, &o);
  napi_create_double(a.env, static_cast<double>(tl::live_count()), &n);
  napi_create_double(a.env, static_cast<double>(tl::live_bytes()), &b);
  napi_set_named_property(a.env, o, "tensors", n);
  napi_set_named_property(a.env, o, "bytes", b);
  return o;
}

napi_value str(napi_env env, const std::string& s) {
  napi_value v;
  napi_create_string_utf8(env, s.c_str(), s.size(), &v);
  return v;
}

// info() → { torch, threads, parallel, config }.
TL_FN(info) {
  napi_value o, th;
  napi_create_object(a.env, &o);
  napi_set_named_property(a.env, o, "torch", str(a.env, TORCH_VERSION));
  napi_create_int32(a.env, tl::pool_threads(), &th);
  napi_set_named_property(a.env, o, "threads", th);
  napi_set_named_property(a.env, o, "parallel", str(a.env, at::get_parallel_info()));
  napi_set_named_property(a.env, o, "config", str(a.env, at::show_config()));
  return o;
}

// setThreads(n): threads of the addon's pool (pool.h), which runs the parallel loops and splits large products.
// ATen's own intra-op threads stay at 1: its parallel_for did not parallelise when called from here, and more
// OpenMP threads only slowed its elementwise kernels.
TL_FN(setThreads) {
  int64_t n = a.i64(0);
  if (n < 1 || n > 256) throw tl::ArgError("setThreads: n must be in [1, 256], got " + std::to_string(n));
  at::set_num_threads(1);
  tl::set_pool_threads(static_cast<int>(n));
  return nullptr;
}

}  // namespace

namespace tl {
void register_io(napi_env env, napi_value exports) {
  define(env, exports, "init", init);
  define(env, exports, "fromArray", fromArray);
  define(env, exports, "read", read);
  define(env, exports, "dispose", dispose);
  define(env, exports, "identity", identity);
  define(env, exports, "stats", stats);
  define(env, exports, "info", info);
  define(env, exports, "setThreads", setThreads);
}
}  // namespace tl
