// Fused optimiser updates. adamw(p, g, m, v, b1, omb1, b2, omb2, stepScale, c2, eps, decayed, decayScale) → register
// with three NEW tensors (p', m', v'); the inputs are never written (tfjs tensors may share storage). One pass per
// element, in float32 and in the same operation order as src/train/adamw.ts's tfjs formula, each scalar rounded to
// float32 as tfjs rounds its scalar operands, so the result matches the composed kernels bit for bit:
//   m' = m·b1 + g·(1−b1);  v' = v·b2 + (g·g)·(1−b2);  u = (m'·(lr/c1)) / (√(v'/c2) + ε) [+ p·(lr·wd)];  p' = p − u
#include <cmath>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "napi_util.h"
#include "pool.h"
#include "store.h"

namespace {

struct AdamWScalars {
  float b1, omb1, b2, omb2, step, c2, eps, decay;
  bool decayed;
};

// SSE (x86-64's baseline) four lanes at a time, a scalar tail: each lane rounds every product, sum, quotient and
// square root exactly as the scalar float code (no FMA contraction), so both give the composed kernels' values.
template <bool kDecayed>
void adamw_range(const float* __restrict p, const float* __restrict g, const float* __restrict m,
                 const float* __restrict v, float* __restrict po, float* __restrict mo, float* __restrict vo,
                 int64_t begin, int64_t end, const AdamWScalars& s) {
  int64_t i = begin;
#if defined(__SSE2__)
  const __m128 b1 = _mm_set1_ps(s.b1), omb1 = _mm_set1_ps(s.omb1), b2 = _mm_set1_ps(s.b2), omb2 = _mm_set1_ps(s.omb2),
               step = _mm_set1_ps(s.step), c2 = _mm_set1_ps(s.c2), eps = _mm_set1_ps(s.eps), decay = _mm_set1_ps(s.decay);
  for (; i + 4 <= end; i += 4) {
    __m128 gi = _mm_loadu_ps(g + i), pi = _mm_loadu_ps(p + i);
    __m128 m1 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(m + i), b1), _mm_mul_ps(gi, omb1));
    __m128 v1 = _mm_add_ps(_mm_mul_ps(_mm_loadu_ps(v + i), b2), _mm_mul_ps(_mm_mul_ps(gi, gi), omb2));
    __m128 u = _mm_div_ps(_mm_mul_ps(m1, step), _mm_add_ps(_mm_sqrt_ps(_mm_div_ps(v1, c2)), eps));
    if (kDecayed) u = _mm_add_ps(u, _mm_mul_ps(pi, decay));
    _mm_storeu_ps(mo + i, m1);
    _mm_storeu_ps(vo + i, v1);
    _mm_storeu_ps(po + i, _mm_sub_ps(pi, u));
  }
#endif
  for (; i < end; i++) {
    float gi = g[i];
    float m1 = m[i] * s.b1 + gi * s.omb1;
    float v1 = v[i] * s.b2 + (gi * gi) * s.omb2;
    float u = (m1 * s.step) / (std::sqrt(v1 / s.c2) + s.eps);
    if (kDecayed) u = u + p[i] * s.decay;
    mo[i] = m1;
    vo[i] = v1;
    po[i] = p[i] - u;
  }
}

TL_FN(adamw) {
  at::Tensor p = a.tensor(0).contiguous(), g = a.tensor(1).contiguous(), m = a.tensor(2).contiguous(),
             v = a.tensor(3).contiguous();
  for (const at::Tensor* t : {&p, &g, &m, &v}) {
    if (t->scalar_type() != at::kFloat) throw tl::ArgError("adamw: float32 tensors only");
    if (t->sizes() != p.sizes()) throw tl::ArgError("adamw: param, grad, m and v must have one shape");
  }
  AdamWScalars s;
  s.b1 = static_cast<float>(a.num(4));
  s.omb1 = static_cast<float>(a.num(5));
  s.b2 = static_cast<float>(a.num(6));
  s.omb2 = static_cast<float>(a.num(7));
  s.step = static_cast<float>(a.num(8));
  s.c2 = static_cast<float>(a.num(9));
  s.eps = static_cast<float>(a.num(10));
  s.decayed = a.boolean(11);
  s.decay = static_cast<float>(a.num(12));
  at::Tensor po = at::empty_like(p, at::MemoryFormat::Contiguous), mo = at::empty_like(p, at::MemoryFormat::Contiguous),
             vo = at::empty_like(p, at::MemoryFormat::Contiguous);
  const float *pp = p.data_ptr<float>(), *gp = g.data_ptr<float>(), *mp = m.data_ptr<float>(), *vp = v.data_ptr<float>();
  float *pop = po.data_ptr<float>(), *mop = mo.data_ptr<float>(), *vop = vo.data_ptr<float>();
  tl::parallel_for(0, p.numel(), 1 << 15, [&](int64_t b, int64_t e) {
    if (s.decayed) adamw_range<true>(pp, gp, mp, vp, pop, mop, vop, b, e, s);
    else adamw_range<false>(pp, gp, mp, vp, pop, mop, vop, b, e, s);
  });
  tl::begin(3);
  tl::emit(std::move(po));
  tl::emit(std::move(mo));
  tl::emit(std::move(vo));
  return tl::undefined(a.env);
}

}  // namespace

namespace tl {
void register_optim(napi_env env, napi_value exports) { define(env, exports, "adamw", adamw); }
}  // namespace tl
