// The 2-D matrix product behind the fused linear layer and 2-D BatchMatMul (mm.h): oneDNN's sgemm (libdnnl.so.2,
// which Debian's libtorch depends on), called single-threaded on row blocks over the addon's pool.
//
// Why oneDNN and not OpenBLAS (what at::mm calls here): on the harness's shapes (2,048 token rows × 49-256 wide, the
// weight gradients' 2,048-long inner products) oneDNN's JIT kernels ran 1.3-1.7x faster on one core of the
// development machine (Xeon, AVX-512): 138-163 against 82-114 GFLOP/s. Rounding differs between the two libraries
// (each sums in its own order), so libtorch's trained models are not the same bits as before this change;
// TOPK_LIBTORCH_GEMM=openblas (read per call) selects the previous path, for comparison.
//
// Determinism: the rows go to oneDNN in fixed blocks of kRowBlock rows from row 0 (the last block shorter), whatever
// the thread count, and the threads share out whole blocks: every thread count makes the same calls, so 1 and N
// threads give the same bits. A row's result can depend on how many rows its call holds: on the Xeon (AVX-512) it
// did not for blocks of 7 rows and more (a one-row call takes oneDNN's matrix-vector path), but on an AMD EPYC
// (Zen 3, AVX2 kernels) products split 1,024 + 1,024 and 2,048 rows differed in the last bits (the thread tests
// failed there when the split followed the thread count).
#include <ATen/ATen.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "mm.h"
#include "napi_util.h"
#include "pool.h"

// oneDNN's C API (dnnl.h is not installed with the runtime library; this signature is its stable C ABI). Row-major.
extern "C" int dnnl_sgemm(char transa, char transb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
extern "C" void omp_set_num_threads(int n);

namespace {

// A 2-D float operand as BLAS sees it: 'N' with rows `ld` apart, or 'T' (a transposed view) with columns `ld` apart.
struct Operand {
  char trans;
  int64_t ld;
  const float* p;
};

// Reads x [R, C] in place when one of its strides is 1; otherwise (or for odd strides) from a contiguous copy kept
// in `hold`.
Operand operand(const at::Tensor& x, at::Tensor& hold) {
  const int64_t R = x.size(0), C = x.size(1), s0 = x.stride(0), s1 = x.stride(1);
  if (s1 == 1 && s0 >= std::max<int64_t>(1, C)) return {'N', s0, x.data_ptr<float>()};
  if (s0 == 1 && s1 >= std::max<int64_t>(1, R)) return {'T', s1, x.data_ptr<float>()};
  hold = x.contiguous();
  return {'N', std::max<int64_t>(1, C), hold.data_ptr<float>()};
}

// oneDNN's OpenMP build would start a team of omp_get_max_threads() threads per call: each calling thread (the JS
// thread and the pool's workers) runs its products single-threaded, the pool being what splits them.
void one_omp_thread() {
  thread_local const bool done = (omp_set_num_threads(1), true);
  (void)done;
}

// oneDNN 2.x's JIT f32 GEMM kernels (AVX2, AVX-512) point rsp into a heap workspace while they run: a signal handled
// on this thread meanwhile writes its frame there and corrupts the heap (oneDNN issue #4845, fixed in 3.x by PR #4855;
// Debian ships 2.6). Node handles signals on the thread they land on: V8's sampling profiler (--cpu-prof) sends SIGPROF
// to the JS thread, and Ctrl-C or a SIGTERM can land on any thread. Measured: `node --cpu-prof` aborted with
// "corrupted size vs. prev_size" on the first [2048,256]·[256,64] product. So each call runs with the asynchronous
// signals blocked on its thread (two system calls, under a microsecond, against 30+ us per product): a signal waits
// until the call returns, or lands on another thread. The synchronous faults stay unblocked (blocking them is undefined).
class SignalsDeferred {
 public:
  SignalsDeferred() {
    sigset_t all;
    sigfillset(&all);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) sigdelset(&all, s);
    pthread_sigmask(SIG_BLOCK, &all, &old_);
  }
  ~SignalsDeferred() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  SignalsDeferred(const SignalsDeferred&) = delete;
  SignalsDeferred& operator=(const SignalsDeferred&) = delete;

 private:
  sigset_t old_;
};

void sgemm_rows(const Operand& a, const Operand& b, int64_t r0, int64_t r1, int64_t N, int64_t K, float beta, float* c) {
  one_omp_thread();
  const SignalsDeferred deferred;
  const float* ap = a.p + (a.trans == 'N' ? r0 * a.ld : r0);
  const int status = dnnl_sgemm(a.trans, b.trans, r1 - r0, N, K, 1.0f, ap, a.ld, b.p, b.ld, beta, c + r0 * N, N);
  if (status != 0) throw std::runtime_error("dnnl_sgemm failed with status " + std::to_string(status));
}

bool use_openblas() {
  const char* g = std::getenv("TOPK_LIBTORCH_GEMM");
  if (g == nullptr || std::strcmp(g, "onednn") == 0) return false;
  if (std::strcmp(g, "openblas") == 0) return true;
  throw tl::ArgError(std::string("TOPK_LIBTORCH_GEMM must be onednn or openblas, got '") + g + "'");
}

// Rows per library call (see Determinism above). 128: a [2048, 256]·[256, 64] product is 16 calls, enough to share
// between threads, each long enough that packing the right operand again per call stays a few percent.
constexpr int64_t kRowBlock = 128;

// f(r0, r1) for every block of kRowBlock rows of [0, M), on the pool when there are threads and enough work.
void for_row_blocks(int64_t M, int64_t N, int64_t K, const std::function<void(int64_t, int64_t)>& f) {
  const int64_t blocks = (M + kRowBlock - 1) / kRowBlock;
  const auto run = [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) f(b * kRowBlock, std::min(M, (b + 1) * kRowBlock));
  };
  if (tl::pool_threads() < 2 || blocks < 2 || M * N * K < (int64_t{2} << 20)) run(0, blocks);
  else tl::parallel_for(0, blocks, 1, run);
}

// The previous path: ATen's addmm/mm (OpenBLAS), on the same row blocks.
at::Tensor mm_openblas(const at::Tensor& x, const at::Tensor& y, const at::Tensor* bias) {
  const int64_t M = x.size(0), K = x.size(1), N = y.size(1);
  if (M <= kRowBlock) return bias ? at::addmm(*bias, x, y) : at::mm(x, y);
  at::Tensor out = at::empty({M, N}, x.options());
  for_row_blocks(M, N, K, [&](int64_t r0, int64_t r1) {
    at::Tensor o = out.narrow(0, r0, r1 - r0);
    const at::Tensor xs = x.narrow(0, r0, r1 - r0);
    if (bias) at::addmm_out(o, *bias, xs, y);
    else at::mm_out(o, xs, y);
  });
  return out;
}

}  // namespace

namespace tl {

at::Tensor mm(const at::Tensor& x, const at::Tensor& y, const at::Tensor* bias) {
  if (x.scalar_type() != at::kFloat || y.scalar_type() != at::kFloat || (bias && bias->scalar_type() != at::kFloat)) {
    return bias ? at::addmm(*bias, x, y) : at::mm(x, y);
  }
  if (use_openblas()) return mm_openblas(x, y, bias);  // ATen checks the shapes (in the workers)
  const int64_t M = x.size(0), K = x.size(1), N = y.size(1);
  // ATen's own wording, as the OpenBLAS path reports it
  TORCH_CHECK(y.size(0) == K, "mat1 and mat2 shapes cannot be multiplied (", M, "x", K, " and ", y.size(0), "x", N, ")");
  TORCH_CHECK(!bias || (bias->dim() == 1 && bias->size(0) == N), "the bias must be [", N, "], got ", bias->sizes());
  at::Tensor out = at::empty({M, N}, x.options());
  if (M == 0 || N == 0) return out;
  float* op = out.data_ptr<float>();
  // The bias is the product's starting value (beta = 1), as in addmm.
  if (bias) {
    const at::Tensor b = bias->contiguous();
    const float* bp = b.data_ptr<float>();
    for (int64_t r = 0; r < M; r++) std::memcpy(op + r * N, bp, static_cast<size_t>(N) * sizeof(float));
  }
  if (K == 0) {
    if (!bias) out.zero_();
    return out;
  }
  at::Tensor hx, hy;
  const Operand a = operand(x, hx), b = operand(y, hy);
  const float beta = bias ? 1.0f : 0.0f;
  for_row_blocks(M, N, K, [&](int64_t r0, int64_t r1) { sgemm_rows(a, b, r0, r1, N, K, beta, op); });
  return out;
}

}  // namespace tl
