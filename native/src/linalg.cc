// Products: BatchMatMul (with tfjs's transposeA/transposeB and broadcast batch dims) and DepthwiseConv2dNative.

// Fortran BLAS sgemm from libblas.so.3: the library libtorch itself uses (Debian's alternatives point it at OpenBLAS
// once libopenblas0-pthread is installed). Column-major.
extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
                       const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
                       const float* beta, float* c, const int* ldc);

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "mm.h"
#include "napi_util.h"
#include "pool.h"
#include "store.h"

namespace {

using tl::Args;

// ---- Grouped products: many tiny matrices ----------------------------------------------------------------------
// The attention products are thousands of tiny matrices (49x16 · 16x49 and 49x49 · 49x16 per (image, head) in the
// reference config), stored in tfjs's depthwise layout where the group index is the fastest-moving one:
//   y[r, g, n] = Σ_k x[r, k, g] · f[k, g, n]      x: [R, K, G] (any strides), f: [K, G, N], y: [R, G, N].
// OpenBLAS needs each group's A matrix with a unit stride, i.e. a transposing copy of x (torch's permuted copy is
// slow), and spends more time packing and dispatching such small matrices than computing them. On x86-64 CPUs with
// AVX-512, blocks of 64 groups are packed (each cache line of x, holding 16 consecutive groups, is read once) and a
// register-blocked kernel computes each group: RB rows x NV 16-float vectors of y stay in registers over the whole
// k loop. Other CPUs: the transposing copy + one sgemm per group. Both run the groups over libtorch's threads.
namespace {

#if defined(__x86_64__) && defined(__GNUC__)
#define TL_HAVE_AVX512_KERNEL 1

template <int RB, int NV>
__attribute__((target("avx512f"))) inline void block(int64_t K, const float* A, int64_t ar, int64_t ak, const float* B,
                                                      int64_t ldb, float* C, int64_t ldc, const __mmask16* m) {
  __m512 acc[RB][NV];
#pragma GCC unroll 4
  for (int i = 0; i < RB; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  for (int64_t k = 0; k < K; k++) {
    __m512 b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = _mm512_maskz_loadu_ps(m[v], B + k * ldb + 16 * v);
#pragma GCC unroll 4
    for (int i = 0; i < RB; i++) {
      __m512 a = _mm512_set1_ps(A[i * ar + k * ak]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(a, b[v], acc[i][v]);
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < RB; i++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(C + i * ldc + 16 * v, m[v], acc[i][v]);
}

template <int NV>
__attribute__((target("avx512f"))) void rows(int64_t R, int64_t K, const float* A, int64_t ar, int64_t ak, const float* B,
                                              int64_t ldb, float* C, int64_t ldc, const __mmask16* m) {
  int64_t r = 0;
  for (; r + 4 <= R; r += 4) block<4, NV>(K, A + r * ar, ar, ak, B, ldb, C + r * ldc, ldc, m);
  for (; r < R; r++) block<1, NV>(K, A + r * ar, ar, ak, B, ldb, C + r * ldc, ldc, m);
}

// C[r, n] = Σ_k A[r·ar + k·ak] · B[k·ldb + n], C[r·ldc + n]: one group's product.
__attribute__((target("avx512f"))) void small_gemm_avx512(int64_t R, int64_t N, int64_t K, const float* A, int64_t ar,
                                                           int64_t ak, const float* B, int64_t ldb, float* C, int64_t ldc) {
  for (int64_t n0 = 0; n0 < N; n0 += 64) {
    __mmask16 m[4];
    for (int v = 0; v < 4; v++) {
      int64_t rem = N - n0 - 16 * v;
      m[v] = rem >= 16 ? static_cast<__mmask16>(0xFFFF) : rem > 0 ? static_cast<__mmask16>((1u << rem) - 1) : 0;
    }
    switch (std::min<int64_t>(4, (N - n0 + 15) / 16)) {
      case 1: rows<1>(R, K, A, ar, ak, B + n0, ldb, C + n0, ldc, m); break;
      case 2: rows<2>(R, K, A, ar, ak, B + n0, ldb, C + n0, ldc, m); break;
      case 3: rows<3>(R, K, A, ar, ak, B + n0, ldb, C + n0, ldc, m); break;
      default: rows<4>(R, K, A, ar, ak, B + n0, ldb, C + n0, ldc, m); break;
    }
  }
}

const bool kHasAvx512 = __builtin_cpu_supports("avx512f");
#else
const bool kHasAvx512 = false;
#endif

at::Tensor grouped_product(const at::Tensor& x3, const at::Tensor& f3) {
  int64_t R = x3.size(0), K = x3.size(1), G = x3.size(2), N = f3.size(2);
  at::Tensor f = f3.stride(2) == 1 ? f3 : f3.contiguous();
  at::Tensor y = at::empty({R, G, N}, x3.options());
  const float* fp = f.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  const int64_t fk = f.stride(0), fg = f.stride(1), ldc = G * N;
#ifdef TL_HAVE_AVX512_KERNEL
  // TOPK_LIBTORCH_NO_AVX512=1 forces the BLAS path (for comparison and tests).
  if (kHasAvx512 && std::getenv("TOPK_LIBTORCH_NO_AVX512") == nullptr) {
    // Pack per block of 16 groups: A for the 16 groups as [16][R][K] (each cache line of x, which holds 16
    // consecutive groups, is read once), and B per group as [K][N]. The tensors' power-of-two strides otherwise
    // map a group's rows onto the same few cache sets and the kernel stalls on conflict misses.
    const float* xp = x3.data_ptr<float>();
    const int64_t xr = x3.stride(0), xk = x3.stride(1), xg = x3.stride(2), RK = R * K;
    constexpr int64_t GB = 64;
    tl::parallel_for(0, (G + GB - 1) / GB, 1, [&](int64_t b0, int64_t b1) {
      std::vector<float> abuf(static_cast<size_t>(GB * RK)), bbuf(static_cast<size_t>(K * N));
      for (int64_t blk = b0; blk < b1; blk++) {
        const int64_t g0 = blk * GB, gn = std::min(GB, G - g0);
        for (int64_t r = 0; r < R; r++)
          for (int64_t k = 0; k < K; k++) {
            const float* src = xp + r * xr + k * xk + g0 * xg;
            float* dst = abuf.data() + r * K + k;
            for (int64_t j = 0; j < gn; j++) dst[j * RK] = src[j * xg];
          }
        for (int64_t j = 0; j < gn; j++) {
          const int64_t g = g0 + j;
          for (int64_t k = 0; k < K; k++) std::copy_n(fp + k * fk + g * fg, N, bbuf.data() + k * N);
          small_gemm_avx512(R, N, K, abuf.data() + j * RK, K, 1, bbuf.data(), N, yp + g * N, ldc);
        }
      }
    });
    return y;
  }
#endif
  at::Tensor xt = x3.permute({2, 0, 1}).contiguous();  // [G, R, K], row-major per group
  const float* xp = xt.data_ptr<float>();
  const int n = static_cast<int>(N), r = static_cast<int>(R), k = static_cast<int>(K);
  const int ldb = static_cast<int>(fk), ldc32 = static_cast<int>(ldc);
  const float one = 1.0f, zero = 0.0f;
  tl::parallel_for(0, G, 16, [&](int64_t g0, int64_t g1) {
    for (int64_t g = g0; g < g1; g++) {
      // Row-major C[R,N] = A[R,K]·B[K,N] is column-major Cᵀ = Bᵀ·Aᵀ: gemm(n=N, m=R, k=K).
      sgemm_("N", "N", &n, &r, &k, &one, fp + g * fg, &ldb, xp + g * R * K, &k, &zero, yp + g * N, &ldc32);
    }
  });
  return y;
}

// ---- Batched small products -----------------------------------------------------------------------------------
// The attention products in batched layout: G = B·H products of tiny matrices ([49,16]·[16,49] and [49,49]·[49,16]
// in the reference config), often with one operand a transposed view. torch's bmm hands each to OpenBLAS, whose
// per-call packing and dispatch dominate at these sizes (and a transposed B costs it another ~2x). With AVX-512,
// each product runs the register-blocked kernel above directly: A is read through its strides (transposed or not),
// B is used in place when its rows are unit-stride, else packed per product into a [K, N] buffer (a few KB, in L1).
at::Tensor batched_small(const at::Tensor& x, const at::Tensor& y) {
  const int64_t G = x.size(0), M = x.size(1), K = x.size(2), N = y.size(2);
  at::Tensor out = at::empty({G, M, N}, x.options());
#ifdef TL_HAVE_AVX512_KERNEL
  const float* xp = x.data_ptr<float>();
  const float* yp = y.data_ptr<float>();
  float* op = out.data_ptr<float>();
  const int64_t xs0 = x.stride(0), xs1 = x.stride(1), xs2 = x.stride(2);
  const int64_t ys0 = y.stride(0), ys1 = y.stride(1), ys2 = y.stride(2);
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, M * N * K));
  tl::parallel_for(0, G, grain, [&](int64_t g0, int64_t g1) {
    std::vector<float> bbuf(ys2 == 1 ? 0 : static_cast<size_t>(K * N));
    for (int64_t g = g0; g < g1; g++) {
      const float* B = yp + g * ys0;
      int64_t ldb = ys1;
      if (ys2 != 1) {
        for (int64_t n = 0; n < N; n++)
          for (int64_t k = 0; k < K; k++) bbuf[k * N + n] = B[n * ys2 + k * ys1];
        B = bbuf.data();
        ldb = N;
      }
      small_gemm_avx512(M, N, K, xp + g * xs0, xs1, xs2, B, ldb, op + g * M * N, N);
    }
  });
#endif
  return out;  // only called when use_batched_small() holds, i.e. with the AVX-512 kernel
}

bool use_batched_small(const at::Tensor& x, const at::Tensor& y) {
  if (!kHasAvx512 || std::getenv("TOPK_LIBTORCH_NO_AVX512") != nullptr) return false;
  if (x.dim() != 3 || y.dim() != 3 || x.size(0) != y.size(0)) return false;
  if (x.scalar_type() != at::kFloat || y.scalar_type() != at::kFloat) return false;
  const int64_t G = x.size(0), M = x.size(1), K = x.size(2), N = y.size(2);
  if (G == 0 || M == 0 || K == 0 || N == 0) return false;
  return M <= 256 && N <= 256 && K <= 256;  // tiny per-product matrices; bigger ones amortise BLAS's overhead
}

}  // namespace

// matmul(a, b, transposeA, transposeB) → register. a [..., M, K] (or [..., K, M] transposed), b [..., K, N]
// (or [..., N, K]); output [broadcast(batch), M, N]. Transposes are views: BLAS (or batched_small) reads them
// transposed.
TL_FN(matmul) {
  at::Tensor x = a.tensor(0);
  at::Tensor y = a.tensor(1);
  if (a.boolean(2)) x = x.transpose(-2, -1);
  if (a.boolean(3)) y = y.transpose(-2, -1);
  if (x.dim() == 2 && y.dim() == 2) return tl::result(a.env, tl::mm(x, y));
  if (use_batched_small(x, y)) return tl::result(a.env, batched_small(x, y));
  if (x.dim() == 3 && y.dim() == 3 && x.size(0) == y.size(0)) return tl::result(a.env, at::bmm(x, y));
  return tl::result(a.env, at::matmul(x, y));
}

// depthwise(x, filter, strideH, strideW, dilH, dilW, padTop, padBottom, padLeft, padRight) → register.
// Layouts as tfjs (NHWC): x [B, H, W, C], filter [fh, fw, C, M]; output [B, OH, OW, C·M], channel c·M + m.
// When the filter spans the whole width in one valid, unit-stride step (fh = 1, fw = W: the harness's grouped
// products), the op is C independent matrix products [B·H, W] x [W, M] (grouped_product). Otherwise torch's
// grouped conv2d (NCHW) with explicit padding.
TL_FN(depthwise) {
  const at::Tensor& x = a.tensor(0);
  const at::Tensor& f = a.tensor(1);
  int64_t sh = a.i64(2), sw = a.i64(3), dh = a.i64(4), dw = a.i64(5);
  int64_t pt = a.i64(6), pb = a.i64(7), pl = a.i64(8), pr = a.i64(9);
  int64_t B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
  int64_t fh = f.size(0), fw = f.size(1), M = f.size(3);
  if (f.size(2) != C) throw tl::ArgError("depthwise: filter channels differ from input channels");
  bool unit = sh == 1 && sw == 1 && dh == 1 && dw == 1 && pt == 0 && pb == 0 && pl == 0 && pr == 0;
  if (unit && fh == 1 && fw == W && x.scalar_type() == at::kFloat && f.scalar_type() == at::kFloat) {
    at::Tensor y = grouped_product(x.reshape({B * H, W, C}), f.reshape({W, C, M}));  // [B·H, C, M]
    return tl::result(a.env, y.view({B, H, 1, C * M}));
  }
  at::Tensor in = x.permute({0, 3, 1, 2});  // NCHW
  if (pt || pb || pl || pr) in = at::constant_pad_nd(in, {pl, pr, pt, pb}, 0);
  at::Tensor w = f.permute({2, 3, 0, 1}).reshape({C * M, 1, fh, fw});  // out channel c·M + m
  at::Tensor y = at::conv2d(in.contiguous(), w.contiguous(), c10::optional<at::Tensor>(), at::IntArrayRef({sh, sw}),
                            at::IntArrayRef({0, 0}), at::IntArrayRef({dh, dw}), C);
  return tl::result(a.env, y.permute({0, 2, 3, 1}).contiguous());
}

}  // namespace

namespace tl {
void register_linalg(napi_env env, napi_value exports) {
  define(env, exports, "matmul", matmul);
  define(env, exports, "depthwise", depthwise);
}
}  // namespace tl
