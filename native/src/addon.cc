// Entry point of the libtorch addon for the tfjs 'libtorch' backend (src/backend-libtorch/). Each concern
// registers its functions: io.cc (lifetime, transfer), elementwise.cc, reduce.cc, layout.cc, linalg.cc, optim.cc,
// fused.cc.
#include <malloc.h>

#include <cstdlib>
#include <string>

#include "napi_util.h"

namespace tl {
void register_io(napi_env env, napi_value exports);
void register_elementwise(napi_env env, napi_value exports);
void register_reduce(napi_env env, napi_value exports);
void register_layout(napi_env env, napi_value exports);
void register_linalg(napi_env env, napi_value exports);
void register_optim(napi_env env, napi_value exports);
void register_fused(napi_env env, napi_value exports);
}  // namespace tl

// glibc returns freed blocks above its trim threshold to the kernel, and serves large blocks by mmap; every new
// activation tensor then pays page faults on first touch, which cost several ms per MB-sized tensor on these VMs
// (a training step allocates hundreds). Keep freed memory in the heap instead: the process stays at its peak
// working set (bounded by one training step's tensors) and allocations are reused.
// TOPK_LIBTORCH_MALLOC=default leaves glibc's defaults (for comparison).
static void tune_malloc() {
  const char* m = std::getenv("TOPK_LIBTORCH_MALLOC");
  if (m && std::string(m) == "default") return;
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

static napi_value Init(napi_env env, napi_value exports) {
  try {
    tune_malloc();
    tl::register_io(env, exports);
    tl::register_elementwise(env, exports);
    tl::register_reduce(env, exports);
    tl::register_layout(env, exports);
    tl::register_linalg(env, exports);
    tl::register_optim(env, exports);
    tl::register_fused(env, exports);
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
