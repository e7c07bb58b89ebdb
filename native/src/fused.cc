// Fused kernels for the ViT's hot spots, a kernel set of the libtorch backend only. src/models/fused.ts calls them
// through tf.customGrad when the active backend has them; every other backend runs the composed tfjs ops. Each one
// replaces 5-20 elementwise passes (and as many tfjs dispatches) over [tokens, width] tensors with one or two:
//   layer_norm       x [T, D], g [D], b [D]           → y [T, D], mean [T], rstd [T]   (biased variance, as PyTorch)
//   layer_norm_grad  dy, x [T, D], g [D], mean, rstd  → dx [T, D], dg [D], db [D]
//   softmax          x [..., N], scale > 0            → softmax(scale·x) over the last axis
//   softmax_grad     dy, y [..., N], scale            → scale · y ⊙ (dy − Σ dy⊙y)
//   relu_topk        h [T, D], k (0: none)            → ReLU, then keep entries ≥ the row's k-th largest (topk.ts's rule)
//   relu_grad        dy, y                            → dy ⊙ [y > 0]   (the gradient of relu_topk: see fused.ts)
//   linear           x [T, I], w [I, O], b [O]        → x·w + b (one addmm)
//   linear_grad      dy [T, O], x, w                  → dx = dy·wᵀ, dw = xᵀ·dy, db = Σ_rows dy
//   linear_residual  x [T, I], w [I, O], b [O], r [T, O] → x·w + b + r (a residual block's output)
//   attention        q, k, v [B·N, D], B, H, scale    → out [B·N, D], probs [B·H, N, N]: per sequence and head
//                                                       (columns h·dh..), probs = softmax(scale·Q·Kᵀ), out = probs·V
//   attention_grad   dout, q, k, v, probs, B, H, scale → dq, dk, dv [B·N, D]
//   qkv_attention    x [B·N, D], wq, wk, wv [D, D], bq, bk, bv [D], B, H, scale
//                                                     → out, probs as attention's, and qkv [B·N, 3·D] = x·[wq|wk|wv] + [bq|bk|bv]
//   qkv_attention_grad dout, x, qkv, probs, wq, wk, wv, B, H, scale → dx [B·N, D], dwq, dwk, dwv [D, D], dbq, dbk, dbv [D]
//   positive_counts  x [T, D]                         → [D]: per column, the rows where x > 0 (exact float counts)
//   mlp              x [T, D], w1 [D, F], b1, w2 [F, O], b2, k, counts → y = reluTopK(x·w1 + b1, k)·w2 + b2, the
//                                                       activation a [T, F] (and its positive counts [F])
//   mlp_grad         dy [T, O], x, a, w1, w2          → dx, dw1, db1, dw2, db2
// Row loops are plain C++ written for the vectoriser (omp simd, -fopenmp-simd) and compiled for AVX-512, AVX2 and
// the x86-64 baseline (target_clones); the CPU picks its version at load. Reductions over rows (dg, db) sum fixed
// blocks of rows in a fixed order, so results do not depend on the number of threads.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "mm.h"
#include "napi_util.h"
#include "pool.h"
#include "store.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define TL_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TL_CLONES
#endif

namespace {

using tl::Args;

constexpr int64_t kRowBlock = 256;  // rows per block of the row reductions (dg, db)

at::Tensor float_tensor(const Args& a, size_t i, const char* what) {
  const at::Tensor& t = a.tensor(i);
  if (t.scalar_type() != at::kFloat) throw tl::ArgError(std::string(what) + ": float32 tensors only");
  return t.contiguous();
}

// Argument i when given as a tensor handle: absent or negative (the JS side passes −1) means none.
const at::Tensor* optional_tensor(const Args& a, size_t i, const at::Tensor& like, const char* what) {
  if (a.size() <= i || a.num(i) < 0) return nullptr;
  const at::Tensor& t = a.tensor(i);
  if (t.sizes() != like.sizes() || t.scalar_type() != like.scalar_type()) throw tl::ArgError(std::string(what) + " must match the output's shape and dtype");
  return &t;
}

// ---- LayerNorm ---------------------------------------------------------------------------------------------------

TL_CLONES void ln_rows(const float* __restrict x, const float* __restrict g, const float* __restrict b,
                       float* __restrict y, float* __restrict mean, float* __restrict rstd, int64_t r0, int64_t r1,
                       int64_t D, float eps) {
  const float inv_d = 1.0f / static_cast<float>(D);
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * D;
    float* yr = y + r * D;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < D; i++) s += xr[i];
    const float mu = s * inv_d;
    float v = 0;
#pragma omp simd reduction(+ : v)
    for (int64_t i = 0; i < D; i++) {
      const float c = xr[i] - mu;
      v += c * c;
    }
    const float rs = 1.0f / std::sqrt(v * inv_d + eps);
#pragma omp simd
    for (int64_t i = 0; i < D; i++) yr[i] = (xr[i] - mu) * rs * g[i] + b[i];
    mean[r] = mu;
    rstd[r] = rs;
  }
}

// dx = rstd · (dy⊙g − mean(dy⊙g) − x̂ · mean(dy⊙g⊙x̂)), x̂ = (x − mean)·rstd; this block's Σ dy⊙x̂ and Σ dy into dg, db.
TL_CLONES void ln_grad_rows(const float* __restrict dy, const float* __restrict x, const float* __restrict g,
                            const float* __restrict mean, const float* __restrict rstd, float* __restrict dx,
                            float* __restrict dg, float* __restrict db, int64_t r0, int64_t r1, int64_t D) {
  const float inv_d = 1.0f / static_cast<float>(D);
  for (int64_t r = r0; r < r1; r++) {
    const float* dyr = dy + r * D;
    const float* xr = x + r * D;
    float* dxr = dx + r * D;
    const float mu = mean[r], rs = rstd[r];
    float s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
    for (int64_t i = 0; i < D; i++) {
      const float xh = (xr[i] - mu) * rs;
      const float gd = dyr[i] * g[i];
      s1 += gd;
      s2 += gd * xh;
      dg[i] += dyr[i] * xh;
      db[i] += dyr[i];
    }
    const float m1 = s1 * inv_d, m2 = s2 * inv_d;
#pragma omp simd
    for (int64_t i = 0; i < D; i++) {
      const float xh = (xr[i] - mu) * rs;
      dxr[i] = rs * (dyr[i] * g[i] - m1 - xh * m2);
    }
  }
}

void check_ln(const at::Tensor& x, const at::Tensor& g, const at::Tensor& b) {
  if (x.dim() != 2) throw tl::ArgError("layerNorm: x must be [T, D]");
  const int64_t D = x.size(1);
  if (g.dim() != 1 || g.size(0) != D || b.dim() != 1 || b.size(0) != D) throw tl::ArgError("layerNorm: gain and bias must be [D]");
}

// layerNorm(x, g, b, eps) → register [y, mean, rstd].
TL_FN(layer_norm) {
  at::Tensor x = float_tensor(a, 0, "layerNorm"), g = float_tensor(a, 1, "layerNorm"), b = float_tensor(a, 2, "layerNorm");
  check_ln(x, g, b);
  const float eps = static_cast<float>(a.num(3));
  const int64_t T = x.size(0), D = x.size(1);
  at::Tensor y = at::empty({T, D}, x.options()), mean = at::empty({T}, x.options()), rstd = at::empty({T}, x.options());
  const float *xp = x.data_ptr<float>(), *gp = g.data_ptr<float>(), *bp = b.data_ptr<float>();
  float *yp = y.data_ptr<float>(), *mp = mean.data_ptr<float>(), *rp = rstd.data_ptr<float>();
  if (D > 0) {
    tl::parallel_for(0, T, std::max<int64_t>(1, 32768 / D), [&](int64_t r0, int64_t r1) { ln_rows(xp, gp, bp, yp, mp, rp, r0, r1, D, eps); });
  } else {
    mean.fill_(NAN);  // the mean and variance of an empty row
    rstd.fill_(NAN);
  }
  tl::begin(3);
  tl::emit(std::move(y));
  tl::emit(std::move(mean));
  tl::emit(std::move(rstd));
  return nullptr;
}

// layerNormGrad(dy, x, g, mean, rstd[, addend]) → register [dx (+ addend), dg, db].
TL_FN(layer_norm_grad) {
  at::Tensor dy = float_tensor(a, 0, "layerNormGrad"), x = float_tensor(a, 1, "layerNormGrad"), g = float_tensor(a, 2, "layerNormGrad"),
             mean = float_tensor(a, 3, "layerNormGrad"), rstd = float_tensor(a, 4, "layerNormGrad");
  check_ln(x, g, g);
  const int64_t T = x.size(0), D = x.size(1);
  if (dy.sizes() != x.sizes() || mean.numel() != T || rstd.numel() != T) throw tl::ArgError("layerNormGrad: dy, mean or rstd does not match x");
  at::Tensor dx = at::empty({T, D}, x.options());
  const int64_t blocks = (T + kRowBlock - 1) / kRowBlock;
  std::vector<float> part(static_cast<size_t>(std::max<int64_t>(blocks, 1) * 2 * D), 0.0f);  // per block: dg [D], db [D]
  const float *dyp = dy.data_ptr<float>(), *xp = x.data_ptr<float>(), *gp = g.data_ptr<float>(), *mp = mean.data_ptr<float>(),
              *rp = rstd.data_ptr<float>();
  float* dxp = dx.data_ptr<float>();
  if (D > 0) {
    tl::parallel_for(0, blocks, 1, [&](int64_t k0, int64_t k1) {
      for (int64_t k = k0; k < k1; k++) {
        float* pk = part.data() + k * 2 * D;
        ln_grad_rows(dyp, xp, gp, mp, rp, dxp, pk, pk + D, k * kRowBlock, std::min(T, (k + 1) * kRowBlock), D);
      }
    });
  }
  at::Tensor dg = at::zeros({D}, x.options()), db = at::zeros({D}, x.options());
  float *dgp = dg.data_ptr<float>(), *dbp = db.data_ptr<float>();
  for (int64_t k = 0; k < blocks; k++) {
    const float* pk = part.data() + k * 2 * D;
    for (int64_t i = 0; i < D; i++) {
      dgp[i] += pk[i];
      dbp[i] += pk[D + i];
    }
  }
  // the gradient arriving at x by the residual path, added here rather than by a separate kernel: dx + addend, the
  // same float sum as tfjs's accumulation of the two (addend + dx)
  if (const at::Tensor* addend = optional_tensor(a, 5, dx, "layerNormGrad: addend")) dx.add_(*addend);
  tl::begin(3);
  tl::emit(std::move(dx));
  tl::emit(std::move(dg));
  tl::emit(std::move(db));
  return nullptr;
}

// ---- Softmax over the last axis ----------------------------------------------------------------------------------

// e^x for x ≤ 0 (softmax's shifted scores), Cephes's expf: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7
// polynomial (relative error ~1e-7), 2^n from the exponent bits. Below −87.3 (2^−126) it returns 2^−126 instead of
// a denormal or 0: far below float32's resolution next to the row's maximum term, which is 1. NaN stays NaN.
// Rounding by the 1.5·2^23 trick instead of floor() keeps the loop vectorisable on every x86-64.
inline float exp_nonpositive(float x) {
  x = x < -87.33654f ? -87.33654f : x;
  const float magic = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
  const float t = x * 1.44269504088896341f + magic;
  const float n = t - magic;
  int32_t tb;
  std::memcpy(&tb, &t, 4);
  const int32_t ni = tb - 0x4B400000;  // the integer n, in [−126, 0]
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const int32_t eb = static_cast<int32_t>(static_cast<uint32_t>(ni + 127) << 23);
  float scale;
  std::memcpy(&scale, &eb, 4);
  return p * scale;
}

TL_CLONES void softmax_rows(const float* __restrict x, float* __restrict y, int64_t r0, int64_t r1, int64_t N, float scale) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * N;
    float* yr = y + r * N;
    // The row's maximum, for a stable exp. A NaN in the row may be skipped here but makes Σ, and so the row, NaN.
    float m = xr[0];
#pragma omp simd reduction(max : m)
    for (int64_t i = 1; i < N; i++) m = xr[i] > m ? xr[i] : m;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < N; i++) {
      const float e = exp_nonpositive((xr[i] - m) * scale);
      yr[i] = e;
      s += e;
    }
    const float inv = 1.0f / s;
#pragma omp simd
    for (int64_t i = 0; i < N; i++) yr[i] *= inv;
  }
}

TL_CLONES void softmax_grad_rows(const float* __restrict dy, const float* __restrict y, float* __restrict dx, int64_t r0,
                                 int64_t r1, int64_t N, float scale) {
  for (int64_t r = r0; r < r1; r++) {
    const float* dyr = dy + r * N;
    const float* yr = y + r * N;
    float* dxr = dx + r * N;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = 0; i < N; i++) s += dyr[i] * yr[i];
#pragma omp simd
    for (int64_t i = 0; i < N; i++) dxr[i] = scale * (yr[i] * (dyr[i] - s));
  }
}

float positive_scale(const Args& a, size_t i, const char* what) {
  const double s = a.num(i);
  if (!(s > 0) || !std::isfinite(s)) throw tl::ArgError(std::string(what) + ": scale must be a positive finite number, got " + std::to_string(s));
  return static_cast<float>(s);
}

// softmax(x, scale) → register: softmax(scale·x) over the last axis.
TL_FN(softmax_scaled) {
  at::Tensor x = float_tensor(a, 0, "softmax");
  const float scale = positive_scale(a, 1, "softmax");
  if (x.dim() == 0) throw tl::ArgError("softmax: x must have at least one axis");
  at::Tensor y = at::empty_like(x, at::MemoryFormat::Contiguous);
  const int64_t N = x.size(-1), rows = N > 0 ? x.numel() / N : 0;
  const float* xp = x.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  if (N > 0) tl::parallel_for(0, rows, std::max<int64_t>(1, 32768 / N), [&](int64_t r0, int64_t r1) { softmax_rows(xp, yp, r0, r1, N, scale); });
  return tl::result(a.env, y);
}

// softmaxGrad(dy, y, scale) → register.
TL_FN(softmax_grad) {
  at::Tensor dy = float_tensor(a, 0, "softmaxGrad"), y = float_tensor(a, 1, "softmaxGrad");
  const float scale = positive_scale(a, 2, "softmaxGrad");
  if (dy.sizes() != y.sizes() || y.dim() == 0) throw tl::ArgError("softmaxGrad: dy and y must have one shape of rank ≥ 1");
  at::Tensor dx = at::empty_like(y, at::MemoryFormat::Contiguous);
  const int64_t N = y.size(-1), rows = N > 0 ? y.numel() / N : 0;
  const float *dyp = dy.data_ptr<float>(), *yp = y.data_ptr<float>();
  float* dxp = dx.data_ptr<float>();
  if (N > 0) tl::parallel_for(0, rows, std::max<int64_t>(1, 32768 / N), [&](int64_t r0, int64_t r1) { softmax_grad_rows(dyp, yp, dxp, r0, r1, N, scale); });
  return tl::result(a.env, dx);
}

// ---- ReLU with the Top-k mask ------------------------------------------------------------------------------------

// The k-th largest of a row of ReLU outputs (all ≥ 0 or NaN; 1 ≤ k < n), two ways. At d_ff = 256, k = 16 the
// quickselect below takes ~0.26 µs a row, the bisection ~0.7 µs, and keeping a sorted buffer of the k largest (as
// the TopK kernel does) ~1.2 µs, its comparisons being branches the predictor cannot guess.
//
// Any CPU: the largest t with #{x ≥ t} ≥ k, by binary search over t's bit pattern (non-negative floats order as
// their bits do): 31 rounds of one vectorised compare-and-count over the row, no data-dependent branches inside.
TL_CLONES float kth_largest_bisect(const float* __restrict p, int64_t n, int64_t k) {
  uint32_t lo = 0, hi = 0x7F800000u;  // +0 (every entry is ≥ it) and +inf
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo + 1) / 2;
    float t;
    std::memcpy(&t, &mid, 4);
    int32_t c = 0;
#pragma omp simd reduction(+ : c)
    for (int64_t i = 0; i < n; i++) c += p[i] >= t ? 1 : 0;
    if (c >= k) lo = mid;
    else hi = mid - 1;
  }
  float t;
  std::memcpy(&t, &lo, 4);
  return t;
}

#if defined(__x86_64__) && defined(__GNUC__)
// AVX-512: quickselect with a three-way split. Each round counts the entries > and ≥ a median-of-three pivot (16
// lanes a compare), returns the pivot when the k-th largest equals it, else compresses the side holding it into a
// scratch buffer (register compress + full store: the memory form of vcompressps is slow on some CPUs). Every round
// drops at least the pivot, so it ends. NaNs fail every comparison, so a row with NaNs can run out of entries (or
// get a NaN pivot): then it returns NaN and the caller asks the bisection, which ignores NaNs, so both paths give
// the same threshold. buf0, buf1: n + 16 floats each.
__attribute__((target("avx512f,popcnt"))) float kth_largest_select(const float* p, int64_t n, int64_t k, float* buf0, float* buf1) {
  const float* a = p;
  int64_t m = n;
  float* out = buf0;
  for (;;) {
    if (m == 0) return NAN;  // NaNs were dropped: the caller falls back to the bisection
    const float x0 = a[0], x1 = a[m / 2], x2 = a[m - 1];
    const float piv = std::max(std::min(x0, x1), std::min(std::max(x0, x1), x2));
    if (piv != piv) return NAN;
    const __m512 pv = _mm512_set1_ps(piv);
    int64_t gt = 0, ge = 0;
    for (int64_t j = 0; j < m; j += 16) {
      const __mmask16 lm = m - j >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (m - j)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(lm, a + j);
      gt += _mm_popcnt_u32(_mm512_mask_cmp_ps_mask(lm, v, pv, _CMP_GT_OQ));
      ge += _mm_popcnt_u32(_mm512_mask_cmp_ps_mask(lm, v, pv, _CMP_GE_OQ));
    }
    if (k > gt && k <= ge) return piv;
    const bool upper = k <= gt;  // the k-th largest is above the pivot; else below it, at rank k − ge there
    if (!upper) k -= ge;
    float* o = out;
    for (int64_t j = 0; j < m; j += 16) {
      const __mmask16 lm = m - j >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (m - j)) - 1);
      const __m512 v = _mm512_maskz_loadu_ps(lm, a + j);
      const __mmask16 keep = upper ? _mm512_mask_cmp_ps_mask(lm, v, pv, _CMP_GT_OQ) : _mm512_mask_cmp_ps_mask(lm, v, pv, _CMP_LT_OQ);
      _mm512_storeu_ps(o, _mm512_maskz_compress_ps(keep, v));
      o += _mm_popcnt_u32(keep);
    }
    m = o - out;
    a = out;
    out = out == buf0 ? buf1 : buf0;
  }
}
const bool kSelectAvx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("popcnt");
#else
const bool kSelectAvx512 = false;
float kth_largest_select(const float*, int64_t, int64_t, float*, float*) { return NAN; }
#endif

TL_CLONES void relu_rows(const float* __restrict h, float* __restrict y, int64_t r0, int64_t r1, int64_t D) {
#pragma omp simd
  for (int64_t i = r0 * D; i < r1 * D; i++) y[i] = h[i] < 0.0f ? 0.0f : h[i];  // NaN stays NaN, as tfjs's Relu
}

TL_CLONES void keep_at_least(float* __restrict y, int64_t D, float thr) {
#pragma omp simd
  for (int64_t i = 0; i < D; i++) y[i] = y[i] >= thr ? y[i] : 0.0f;
}

TL_CLONES void relu_rows_inplace(float* __restrict y, int64_t r0, int64_t r1, int64_t D) {
#pragma omp simd
  for (int64_t i = r0 * D; i < r1 * D; i++) y[i] = y[i] < 0.0f ? 0.0f : y[i];  // NaN stays NaN
}

// Rows [r0, r1) of y (holding the ReLU already) to the Top-k rule: zero every entry below its row's k-th largest.
void topk_rows(float* y, int64_t r0, int64_t r1, int64_t D, int64_t k, bool select) {
  if (k == 0 || k >= D) return;
  if (select) {
    std::vector<float> buf(static_cast<size_t>(2 * (D + 16)));
    for (int64_t r = r0; r < r1; r++) {
      float t = kth_largest_select(y + r * D, D, k, buf.data(), buf.data() + D + 16);
      if (t != t) t = kth_largest_bisect(y + r * D, D, k);  // a row with NaNs
      keep_at_least(y + r * D, D, t);
    }
  } else {
    for (int64_t r = r0; r < r1; r++) keep_at_least(y + r * D, D, kth_largest_bisect(y + r * D, D, k));
  }
}

// TOPK_LIBTORCH_NO_AVX512 (read per call, as linalg.cc does) forces the portable bisection, for tests.
bool use_select() { return kSelectAvx512 && std::getenv("TOPK_LIBTORCH_NO_AVX512") == nullptr; }

// reluTopK(h, k) → register: ReLU, then (k ≥ 1 and k < D) zero every entry below its row's k-th largest ReLU value.
// Ties with the k-th are all kept; with fewer than k positive entries the threshold is 0 and the row is just ReLU.
TL_FN(relu_topk) {
  at::Tensor h = float_tensor(a, 0, "reluTopK");
  const int64_t k = a.i64(1);
  if (h.dim() != 2) throw tl::ArgError("reluTopK: h must be [T, D]");
  const int64_t T = h.size(0), D = h.size(1);
  if (k < 0) throw tl::ArgError("reluTopK: k must be ≥ 0 (0: ReLU only), got " + std::to_string(k));
  const bool select = use_select();
  at::Tensor y = at::empty({T, D}, h.options());
  const float* hp = h.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  if (D > 0) {
    tl::parallel_for(0, T, std::max<int64_t>(1, 32768 / D), [&](int64_t r0, int64_t r1) {
      relu_rows(hp, yp, r0, r1, D);
      topk_rows(yp, r0, r1, D, k, select);
    });
  }
  return tl::result(a.env, y);
}

TL_CLONES void relu_grad_range(const float* __restrict dy, const float* __restrict y, float* __restrict dx, int64_t i0, int64_t i1) {
#pragma omp simd
  for (int64_t i = i0; i < i1; i++) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// reluGrad(dy, y) → register: dy where y > 0, else 0.
TL_FN(relu_grad) {
  at::Tensor dy = float_tensor(a, 0, "reluGrad"), y = float_tensor(a, 1, "reluGrad");
  if (dy.sizes() != y.sizes()) throw tl::ArgError("reluGrad: dy and y must have one shape");
  at::Tensor dx = at::empty_like(y, at::MemoryFormat::Contiguous);
  const float *dyp = dy.data_ptr<float>(), *yp = y.data_ptr<float>();
  float* dxp = dx.data_ptr<float>();
  tl::parallel_for(0, y.numel(), 1 << 15, [&](int64_t i0, int64_t i1) { relu_grad_range(dyp, yp, dxp, i0, i1); });
  return tl::result(a.env, dx);
}

// ---- Linear layer ------------------------------------------------------------------------------------------------

// ---- Multi-head attention ----------------------------------------------------------------------------------------
// One (sequence, head) group at a time, read in place from the [B·N, D] projections (no head split or merge copies).
// Groups write disjoint outputs, so results do not depend on the number of threads.

// The group's keys and values are first copied transposed ([dh, N]), so that a query's N scores (and an output
// gradient's N products with the values) accumulate along the key axis as whole vectors: dh is small (16), and a
// dot product per key would spend most of its time in horizontal sums.
TL_CLONES void transpose_head(const float* __restrict src, float* __restrict dst, int64_t N, int64_t D, int64_t dh) {
  for (int64_t j = 0; j < N; j++) {
    for (int64_t c = 0; c < dh; c++) dst[c * N + j] = src[j * D + c];
  }
}

// out[j] = Σ_c x[c] · mT[c·N + j] for j < N: a row (a query, an output gradient) times a head's transposed keys or
// values, accumulated along the key axis. Inlined into the templates below, so N and dh stay compile-time constants.
__attribute__((always_inline)) inline void row_times_transposed(const float* __restrict x, const float* __restrict mT,
                                                                float* __restrict out, int64_t N, int64_t dh) {
#pragma omp simd
  for (int64_t j = 0; j < N; j++) out[j] = 0;
  for (int64_t c = 0; c < dh; c++) {
    const float xc = x[c];
    const float* mc = mT + c * N;
#pragma omp simd
    for (int64_t j = 0; j < N; j++) out[j] += xc * mc[j];
  }
}

// Written once as a template: kN, kDh > 0 fix the sizes at compile time (the quick and study models' 16 tokens of
// 16-wide heads: every key-axis loop is then one vector), 0 reads them at run time. q, k and v rows are ldi floats
// apart (D, or 3·D where they are the column blocks of one packed [B·N, 3·D] product), out's rows ldo apart.
template <int64_t kN, int64_t kDh>
__attribute__((always_inline)) inline void attention_groups_t(const float* __restrict q, const float* __restrict k,
                                                              const float* __restrict v, float* __restrict out,
                                                              float* __restrict probs, int64_t g0, int64_t g1,
                                                              int64_t N_, int64_t H, int64_t dh_, float scale,
                                                              int64_t ldi, int64_t ldo) {
  const int64_t N = kN > 0 ? kN : N_, dh = kDh > 0 ? kDh : dh_;
  std::vector<float> kt(static_cast<size_t>(N * dh));
  for (int64_t g = g0; g < g1; g++) {
    const int64_t in = (g / H) * N * ldi + (g % H) * dh, at = (g / H) * N * ldo + (g % H) * dh;
    float* P = probs + g * N * N;
    transpose_head(k + in, kt.data(), N, ldi, dh);
    const float* __restrict kT = kt.data();
    for (int64_t i = 0; i < N; i++) {
      float* __restrict pr = P + i * N;
      row_times_transposed(q + in + i * ldi, kT, pr, N, dh);
      float m = -INFINITY;
      for (int64_t j = 0; j < N; j++) {
        pr[j] *= scale;
        m = pr[j] > m ? pr[j] : m;
      }
      float sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t j = 0; j < N; j++) {
        const float e = exp_nonpositive(pr[j] - m);
        pr[j] = e;
        sum += e;
      }
      const float inv = 1.0f / sum;
      float* __restrict oi = out + at + i * ldo;
      for (int64_t c = 0; c < dh; c++) oi[c] = 0;
      for (int64_t j = 0; j < N; j++) {
        const float p = pr[j] * inv;
        pr[j] = p;
        const float* vj = v + in + j * ldi;
#pragma omp simd
        for (int64_t c = 0; c < dh; c++) oi[c] += p * vj[c];
      }
    }
  }
}

TL_CLONES void attention_groups(const float* __restrict q, const float* __restrict k, const float* __restrict v,
                                float* __restrict out, float* __restrict probs, int64_t g0, int64_t g1, int64_t N,
                                int64_t H, int64_t dh, float scale, int64_t ldi, int64_t ldo) {
  if (N == 16 && dh == 16) attention_groups_t<16, 16>(q, k, v, out, probs, g0, g1, N, H, dh, scale, ldi, ldo);
  else attention_groups_t<0, 0>(q, k, v, out, probs, g0, g1, N, H, dh, scale, ldi, ldo);
}

// dV = Pᵀ·dO; dP = dO·Vᵀ; dS = P ⊙ (dP − Σ_j dP ⊙ P); dQ = scale·dS·K; dK = scale·dSᵀ·Q. Row strides: dout ldo,
// q, k, v ldi, dq, dk, dv ldg (see attention_groups_t).
template <int64_t kN, int64_t kDh>
__attribute__((always_inline)) inline void attention_grad_groups_t(
    const float* __restrict dout, const float* __restrict q, const float* __restrict k, const float* __restrict v,
    const float* __restrict probs, float* __restrict dq, float* __restrict dk, float* __restrict dv, int64_t g0, int64_t g1,
    int64_t N_, int64_t H, int64_t dh_, float scale, int64_t ldi, int64_t ldo, int64_t ldg) {
  const int64_t N = kN > 0 ? kN : N_, dh = kDh > 0 ? kDh : dh_;
  std::vector<float> vt(static_cast<size_t>(N * dh)), row(static_cast<size_t>(N));
  for (int64_t g = g0; g < g1; g++) {
    const int64_t in = (g / H) * N * ldi + (g % H) * dh, at = (g / H) * N * ldo + (g % H) * dh,
                  gd = (g / H) * N * ldg + (g % H) * dh;
    const float* P = probs + g * N * N;
    transpose_head(v + in, vt.data(), N, ldi, dh);
    const float* __restrict vT = vt.data();
    float* __restrict dp = row.data();
    for (int64_t j = 0; j < N; j++) {
      for (int64_t c = 0; c < dh; c++) dq[gd + j * ldg + c] = dk[gd + j * ldg + c] = dv[gd + j * ldg + c] = 0;
    }
    for (int64_t i = 0; i < N; i++) {
      const float* __restrict doi = dout + at + i * ldo;
      const float* __restrict pr = P + i * N;
      row_times_transposed(doi, vT, dp, N, dh);  // dP_i = dO_i · Vᵀ
      float acc = 0;
#pragma omp simd reduction(+ : acc)
      for (int64_t j = 0; j < N; j++) acc += dp[j] * pr[j];
      const float* __restrict qi = q + in + i * ldi;
      float* __restrict dqi = dq + gd + i * ldg;
      for (int64_t j = 0; j < N; j++) {
        const float p = pr[j];
        const float ds = scale * (p * (dp[j] - acc));
        const float* __restrict kj = k + in + j * ldi;
        float* __restrict dkj = dk + gd + j * ldg;
        float* __restrict dvj = dv + gd + j * ldg;
#pragma omp simd
        for (int64_t c = 0; c < dh; c++) {
          dvj[c] += p * doi[c];
          dqi[c] += ds * kj[c];
          dkj[c] += ds * qi[c];
        }
      }
    }
  }
}

TL_CLONES void attention_grad_groups(const float* __restrict dout, const float* __restrict q, const float* __restrict k,
                                     const float* __restrict v, const float* __restrict probs, float* __restrict dq,
                                     float* __restrict dk, float* __restrict dv, int64_t g0, int64_t g1, int64_t N,
                                     int64_t H, int64_t dh, float scale, int64_t ldi, int64_t ldo, int64_t ldg) {
  if (N == 16 && dh == 16) attention_grad_groups_t<16, 16>(dout, q, k, v, probs, dq, dk, dv, g0, g1, N, H, dh, scale, ldi, ldo, ldg);
  else attention_grad_groups_t<0, 0>(dout, q, k, v, probs, dq, dk, dv, g0, g1, N, H, dh, scale, ldi, ldo, ldg);
}

// ---- Activation probes ---------------------------------------------------------------------------------------------

TL_CLONES void positive_count_rows(const float* __restrict x, float* __restrict counts, int64_t r0, int64_t r1, int64_t D) {
  for (int64_t r = r0; r < r1; r++) {
    const float* xr = x + r * D;
#pragma omp simd
    for (int64_t j = 0; j < D; j++) counts[j] += xr[j] > 0.0f ? 1.0f : 0.0f;
  }
}

// positiveCounts(x) → register [D]. One thread: the counts are a tiny share of a forward pass.
TL_FN(positive_counts) {
  at::Tensor x = float_tensor(a, 0, "positiveCounts");
  if (x.dim() != 2) throw tl::ArgError("positiveCounts: x must be [T, D]");
  at::Tensor counts = at::zeros({x.size(1)}, x.options());
  positive_count_rows(x.data_ptr<float>(), counts.data_ptr<float>(), 0, x.size(0), x.size(1));
  return tl::result(a.env, counts);
}

struct AttentionShape {
  int64_t B, N, H, dh;
  // (sequence, head) groups per parallel_for block: about 4096 scores each
  int64_t grain() const { return std::max<int64_t>(1, 4096 / std::max<int64_t>(1, N * N)); }
};

// The batch and heads arguments at `at`, `at` + 1 for `rows` tokens of width D.
AttentionShape group_shape(const Args& a, size_t at, int64_t rows, int64_t D, const char* what) {
  const double b = a.num(at), h = a.num(at + 1);
  if (!(b >= 1) || !(h >= 1) || b != std::floor(b) || h != std::floor(h)) throw tl::ArgError(std::string(what) + ": batch and heads must be positive integers");
  const int64_t B = static_cast<int64_t>(b), H = static_cast<int64_t>(h);
  if (rows % B != 0 || D % H != 0) throw tl::ArgError(std::string(what) + ": rows must divide into the batch and D into the heads");
  return {B, rows / B, H, D / H};
}

AttentionShape attention_shape(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const Args& a, size_t at, const char* what) {
  if (q.dim() != 2 || k.sizes() != q.sizes() || v.sizes() != q.sizes()) throw tl::ArgError(std::string(what) + ": q, k and v must be [B·N, D] of one shape");
  return group_shape(a, at, q.size(0), q.size(1), what);
}

// attention(q, k, v, batch, heads, scale) → register [out, probs].
TL_FN(attention) {
  at::Tensor q = float_tensor(a, 0, "attention"), k = float_tensor(a, 1, "attention"), v = float_tensor(a, 2, "attention");
  const AttentionShape s = attention_shape(q, k, v, a, 3, "attention");
  const float scale = positive_scale(a, 5, "attention");
  at::Tensor out = at::empty_like(q, at::MemoryFormat::Contiguous);
  at::Tensor probs = at::empty({s.B * s.H, s.N, s.N}, q.options());
  const float *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>();
  float *op = out.data_ptr<float>(), *pp = probs.data_ptr<float>();
  const int64_t D = s.H * s.dh;
  tl::parallel_for(0, s.B * s.H, s.grain(), [&](int64_t g0, int64_t g1) { attention_groups(qp, kp, vp, op, pp, g0, g1, s.N, s.H, s.dh, scale, D, D); });
  tl::begin(2);
  tl::emit(out);
  tl::emit(probs);
  return nullptr;
}

// attentionGrad(dout, q, k, v, probs, batch, heads, scale) → register [dq, dk, dv].
TL_FN(attention_grad) {
  at::Tensor dout = float_tensor(a, 0, "attentionGrad"), q = float_tensor(a, 1, "attentionGrad"), k = float_tensor(a, 2, "attentionGrad"),
             v = float_tensor(a, 3, "attentionGrad"), probs = float_tensor(a, 4, "attentionGrad");
  const AttentionShape s = attention_shape(q, k, v, a, 5, "attentionGrad");
  const float scale = positive_scale(a, 7, "attentionGrad");
  if (dout.sizes() != q.sizes() || probs.numel() != s.B * s.H * s.N * s.N) throw tl::ArgError("attentionGrad: dout must be [B·N, D] and probs [B·H, N, N]");
  at::Tensor dq = at::empty_like(q, at::MemoryFormat::Contiguous), dk = at::empty_like(q, at::MemoryFormat::Contiguous),
             dv = at::empty_like(q, at::MemoryFormat::Contiguous);
  const float *gp = dout.data_ptr<float>(), *qp = q.data_ptr<float>(), *kp = k.data_ptr<float>(), *vp = v.data_ptr<float>(),
              *pp = probs.data_ptr<float>();
  float *dqp = dq.data_ptr<float>(), *dkp = dk.data_ptr<float>(), *dvp = dv.data_ptr<float>();
  const int64_t D = s.H * s.dh;
  tl::parallel_for(0, s.B * s.H, s.grain(), [&](int64_t g0, int64_t g1) { attention_grad_groups(gp, qp, kp, vp, pp, dqp, dkp, dvp, g0, g1, s.N, s.H, s.dh, scale, D, D, D); });
  tl::begin(3);
  tl::emit(dq);
  tl::emit(dk);
  tl::emit(dv);
  return nullptr;
}

// The three projections of attention side by side: W = [wq | wk | wv] [D, 3·D], b = [bq | bk | bv] [3·D].
struct Qkv {
  at::Tensor w, b;
};

Qkv qkv_weights(const Args& a, size_t at, int64_t D, bool bias, const char* what) {
  std::vector<at::Tensor> w, b;
  for (size_t i = 0; i < 3; i++) {
    const at::Tensor& wi = a.tensor(at + i);
    if (wi.dim() != 2 || wi.size(0) != D || wi.size(1) != D) throw tl::ArgError(std::string(what) + ": wq, wk and wv must be [D, D]");
    w.push_back(wi);
  }
  for (size_t i = 3; bias && i < 6; i++) {
    const at::Tensor& bi = a.tensor(at + i);
    if (bi.dim() != 1 || bi.size(0) != D) throw tl::ArgError(std::string(what) + ": bq, bk and bv must be [D]");
    b.push_back(bi);
  }
  return {at::cat(w, 1), b.empty() ? at::Tensor() : at::cat(b, 0)};
}

// qkvAttention(x, wq, wk, wv, bq, bk, bv, batch, heads, scale) → register [out, probs, qkv]: the three projections as
// one product x·[wq | wk | wv] + [bq | bk | bv] → qkv [B·N, 3·D], then attention reading q, k and v in place from its
// column blocks. qkv is kept for the gradient.
TL_FN(qkv_attention) {
  at::Tensor x = float_tensor(a, 0, "qkvAttention");
  if (x.dim() != 2) throw tl::ArgError("qkvAttention: x must be [B·N, D]");
  const int64_t D = x.size(1);
  const Qkv w = qkv_weights(a, 1, D, true, "qkvAttention");
  at::Tensor qkv = tl::mm(x, w.w, &w.b);  // [B·N, 3·D]
  const AttentionShape s = group_shape(a, 7, x.size(0), D, "qkvAttention");
  const float scale = positive_scale(a, 9, "qkvAttention");
  at::Tensor out = at::empty({x.size(0), D}, x.options());
  at::Tensor probs = at::empty({s.B * s.H, s.N, s.N}, x.options());
  const float* qp = qkv.data_ptr<float>();
  float *op = out.data_ptr<float>(), *pp = probs.data_ptr<float>();
  tl::parallel_for(0, s.B * s.H, s.grain(), [&](int64_t g0, int64_t g1) {
    attention_groups(qp, qp + D, qp + 2 * D, op, pp, g0, g1, s.N, s.H, s.dh, scale, 3 * D, D);
  });
  tl::begin(3);
  tl::emit(out);
  tl::emit(probs);
  tl::emit(qkv);
  return nullptr;
}

// qkvAttentionGrad(dout, x, qkv, probs, wq, wk, wv, batch, heads, scale) → register [dx, dwq, dwk, dwv, dbq, dbk, dbv]:
// the attention's gradient into one dqkv [B·N, 3·D], then one product each for dx = dqkv·Wᵀ and dW = xᵀ·dqkv.
TL_FN(qkv_attention_grad) {
  at::Tensor dout = float_tensor(a, 0, "qkvAttentionGrad"), x = float_tensor(a, 1, "qkvAttentionGrad"),
             qkv = float_tensor(a, 2, "qkvAttentionGrad"), probs = float_tensor(a, 3, "qkvAttentionGrad");
  if (x.dim() != 2 || dout.sizes() != x.sizes()) throw tl::ArgError("qkvAttentionGrad: dout and x must be [B·N, D]");
  const int64_t rows = x.size(0), D = x.size(1);
  if (qkv.dim() != 2 || qkv.size(0) != rows || qkv.size(1) != 3 * D) throw tl::ArgError("qkvAttentionGrad: qkv must be [B·N, 3·D]");
  const Qkv w = qkv_weights(a, 4, D, false, "qkvAttentionGrad");
  const AttentionShape s = group_shape(a, 7, rows, D, "qkvAttentionGrad");
  const float scale = positive_scale(a, 9, "qkvAttentionGrad");
  if (probs.numel() != s.B * s.H * s.N * s.N) throw tl::ArgError("qkvAttentionGrad: probs must be [B·H, N, N]");
  at::Tensor dqkv = at::empty({rows, 3 * D}, x.options());
  const float *gp = dout.data_ptr<float>(), *qp = qkv.data_ptr<float>(), *pp = probs.data_ptr<float>();
  float* dp = dqkv.data_ptr<float>();
  tl::parallel_for(0, s.B * s.H, s.grain(), [&](int64_t g0, int64_t g1) {
    attention_grad_groups(gp, qp, qp + D, qp + 2 * D, pp, dp, dp + D, dp + 2 * D, g0, g1, s.N, s.H, s.dh, scale, 3 * D, D, 3 * D);
  });
  at::Tensor dw = tl::mm(x.t(), dqkv);  // [D, 3·D]
  at::Tensor db = dqkv.sum(0);          // [3·D]
  tl::begin(7);
  tl::emit(tl::mm(dqkv, w.w.t()));
  for (int64_t i = 0; i < 3; i++) tl::emit(dw.narrow(1, i * D, D).contiguous());
  for (int64_t i = 0; i < 3; i++) tl::emit(db.narrow(0, i * D, D).contiguous());
  return nullptr;
}

// ---- The MLP block ------------------------------------------------------------------------------------------------

TL_CLONES void mask_by_positive_inplace(float* __restrict d, const float* __restrict a, int64_t i0, int64_t i1) {
#pragma omp simd
  for (int64_t i = i0; i < i1; i++) d[i] = a[i] > 0.0f ? d[i] : 0.0f;
}

void check_mlp(const at::Tensor& x, const at::Tensor& w1, const at::Tensor& w2, const char* what) {
  if (x.dim() != 2 || w1.dim() != 2 || w2.dim() != 2 || x.size(1) != w1.size(0) || w1.size(1) != w2.size(0)) {
    throw tl::ArgError(std::string(what) + ": x must be [T, D], w1 [D, F] and w2 [F, O]");
  }
}

// mlp(x, w1, b1, w2, b2, k, counts[, residual]) → register [y, a] (+ [counts] when counts ≠ 0): a = reluTopK(x·w1 + b1,
// k), made in place in the product's output, y = a·w2 + b2 (+ residual); counts [F]: per column the rows where
// a > 0 (positiveCounts). The same operations as linear, reluTopK, linear (and positiveCounts), so the same bits,
// without the activation's own tensor and passes.
TL_FN(mlp) {
  const at::Tensor& x = a.tensor(0);
  const at::Tensor& w1 = a.tensor(1);
  const at::Tensor& b1 = a.tensor(2);
  const at::Tensor& w2 = a.tensor(3);
  const at::Tensor& b2 = a.tensor(4);
  const int64_t k = a.i64(5);
  const bool counts = a.num(6) != 0;
  check_mlp(x, w1, w2, "mlp");
  if (b1.dim() != 1 || b1.size(0) != w1.size(1) || b2.dim() != 1 || b2.size(0) != w2.size(1)) throw tl::ArgError("mlp: b1 must be [F] and b2 [O]");
  if (k < 0) throw tl::ArgError("mlp: k must be ≥ 0 (0: ReLU only), got " + std::to_string(k));
  at::Tensor h = tl::mm(x, w1, &b1);  // [T, F], the activation after the loop below
  if (h.scalar_type() != at::kFloat) throw tl::ArgError("mlp: float32 tensors only");
  const int64_t T = h.size(0), F = h.size(1);
  const bool select = use_select();
  float* hp = h.data_ptr<float>();
  if (F > 0) {
    tl::parallel_for(0, T, std::max<int64_t>(1, 32768 / F), [&](int64_t r0, int64_t r1) {
      relu_rows_inplace(hp, r0, r1, F);
      topk_rows(hp, r0, r1, F, k, select);
    });
  }
  at::Tensor y = tl::mm(h, w2, &b2);
  if (const at::Tensor* r = optional_tensor(a, 7, y, "mlp: residual")) y.add_(*r);  // y + r: the residual add's float sum
  tl::begin(counts ? 3 : 2);
  tl::emit(y);
  tl::emit(h);
  if (counts) {
    at::Tensor c = at::zeros({F}, h.options());
    positive_count_rows(hp, c.data_ptr<float>(), 0, T, F);
    tl::emit(c);
  }
  return nullptr;
}

// mlpGrad(dy, x, a, w1, w2) → register [dx, dw1, db1, dw2, db2]: linearGrad of the second product, the activation's
// gradient (dy where a > 0: reluGrad) in place, then linearGrad of the first; the same operations as those kernels.
TL_FN(mlp_grad) {
  const at::Tensor& dy = a.tensor(0);
  const at::Tensor& x = a.tensor(1);
  const at::Tensor& act = a.tensor(2);
  const at::Tensor& w1 = a.tensor(3);
  const at::Tensor& w2 = a.tensor(4);
  check_mlp(x, w1, w2, "mlpGrad");
  if (act.dim() != 2 || act.size(0) != x.size(0) || act.size(1) != w1.size(1)) throw tl::ArgError("mlpGrad: a must be [T, F]");
  if (dy.dim() != 2 || dy.size(0) != x.size(0) || dy.size(1) != w2.size(1)) throw tl::ArgError("mlpGrad: dy must be [T, O]");
  if (act.scalar_type() != at::kFloat || !act.is_contiguous()) throw tl::ArgError("mlpGrad: a must be a contiguous float32 tensor");
  at::Tensor da = tl::mm(dy, w2.t());  // [T, F]
  if (!da.is_contiguous()) da = da.contiguous();
  float* dp = da.data_ptr<float>();
  const float* ap = act.data_ptr<float>();
  tl::parallel_for(0, da.numel(), 1 << 15, [&](int64_t i0, int64_t i1) { mask_by_positive_inplace(dp, ap, i0, i1); });
  tl::begin(5);
  tl::emit(tl::mm(da, w1.t()));
  tl::emit(tl::mm(x.t(), da));
  tl::emit(da.sum(0));
  tl::emit(tl::mm(act.t(), dy));
  tl::emit(dy.sum(0));
  return nullptr;
}

void check_linear(const at::Tensor& x, const at::Tensor& w) {
  if (x.dim() != 2 || w.dim() != 2 || x.size(1) != w.size(0)) throw tl::ArgError("linear: x must be [T, I] and w [I, O]");
}

// linear(x, w, b) → register: x·w + b in one addmm (the bias is the product's starting value).
TL_FN(linear) {
  const at::Tensor& x = a.tensor(0);
  const at::Tensor& w = a.tensor(1);
  const at::Tensor& b = a.tensor(2);
  check_linear(x, w);
  if (b.dim() != 1 || b.size(0) != w.size(1)) throw tl::ArgError("linear: b must be [O]");
  return tl::result(a.env, tl::mm(x, w, &b));
}

// linearResidual(x, w, b, r) → register: x·w + b + r, the residual added in place in the product's output (the same
// float sums as linear followed by an add).
TL_FN(linear_residual) {
  const at::Tensor& x = a.tensor(0);
  const at::Tensor& w = a.tensor(1);
  const at::Tensor& b = a.tensor(2);
  check_linear(x, w);
  if (b.dim() != 1 || b.size(0) != w.size(1)) throw tl::ArgError("linearResidual: b must be [O]");
  at::Tensor y = tl::mm(x, w, &b);
  const at::Tensor* r = optional_tensor(a, 3, y, "linearResidual: r");
  if (r == nullptr) throw tl::ArgError("linearResidual: r is required");
  y.add_(*r);
  return tl::result(a.env, y);
}

// linearGrad(dy, x, w) → register [dx, dw, db]; transposes are views that BLAS reads in place.
TL_FN(linear_grad) {
  const at::Tensor& dy = a.tensor(0);
  const at::Tensor& x = a.tensor(1);
  const at::Tensor& w = a.tensor(2);
  check_linear(x, w);
  if (dy.dim() != 2 || dy.size(0) != x.size(0) || dy.size(1) != w.size(1)) throw tl::ArgError("linearGrad: dy must be [T, O]");
  tl::begin(3);
  tl::emit(tl::mm(dy, w.t()));
  tl::emit(tl::mm(x.t(), dy));
  tl::emit(dy.sum(0));
  return nullptr;
}

}  // namespace

namespace tl {
void register_fused(napi_env env, napi_value exports) {
  define(env, exports, "layerNorm", layer_norm);
  define(env, exports, "layerNormGrad", layer_norm_grad);
  define(env, exports, "softmaxScaled", softmax_scaled);
  define(env, exports, "softmaxGrad", softmax_grad);
  define(env, exports, "reluTopK", relu_topk);
  define(env, exports, "reluGrad", relu_grad);
  define(env, exports, "linear", linear);
  define(env, exports, "linearGrad", linear_grad);
  define(env, exports, "attention", attention);
  define(env, exports, "attentionGrad", attention_grad);
  define(env, exports, "qkvAttention", qkv_attention);
  define(env, exports, "qkvAttentionGrad", qkv_attention_grad);
  define(env, exports, "positiveCounts", positive_counts);
  define(env, exports, "mlp", mlp);
  define(env, exports, "linearResidual", linear_residual);
  define(env, exports, "mlpGrad", mlp_grad);
}
}  // namespace tl
