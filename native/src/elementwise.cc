// Elementwise kernels: unary ops, binary ops with NumPy/tfjs broadcasting, select, cast, clip, addN, fill.
// Inputs of binary ops already have matching dtypes (tfjs upcasts in the op before the kernel); outputs keep
// tfjs's dtypes: comparisons and logical ops give bool, arithmetic keeps the input dtype.
#include <ATen/Parallel.h>

#include "napi_util.h"
#include "store.h"

namespace {

using tl::Args;

#define UNARY_OPS(X) \
  X(Abs) X(Neg) X(Square) X(Sqrt) X(Rsqrt) X(Exp) X(Log) X(Log1p) X(Expm1) X(Relu) X(Relu6) X(Sigmoid) X(Tanh) \
  X(Reciprocal) X(Sign) X(Floor) X(Ceil) X(Round) X(Step) X(Elu) X(LeakyRelu) X(LogicalNot) X(IsNan) X(Erf)   \
  X(Sin) X(Cos) X(Softplus)
#define BINARY_OPS(X) \
  X(Add) X(Sub) X(Multiply) X(RealDiv) X(Pow) X(Maximum) X(Minimum) X(SquaredDifference) X(FloorDiv) X(Mod) \
  X(Equal) X(NotEqual) X(Greater) X(GreaterEqual) X(Less) X(LessEqual) X(LogicalAnd) X(LogicalOr) X(Prelu)   \
  X(Atan2) X(EluGrad)

#define ENUM_ITEM(n) n,
enum Unary { UNARY_OPS(ENUM_ITEM) kUnaryCount };
enum Binary { BINARY_OPS(ENUM_ITEM) kBinaryCount };
#undef ENUM_ITEM

// tfjs step: x > 0 ? 1 : alpha, NaN stays NaN. It runs in every ReLU gradient, on [tokens, d_ff], so it must be one
// vectorised pass: heaviside(x, 0) is 1 for x > 0 and 0 otherwise (also for NaN); NaN is restored only when present.
// (A scalar C++ loop here ran ~10x slower than torch's vectorised kernels: random-sign branches mispredict.)
at::Tensor step(const at::Tensor& x, double alpha) {
  bool is_float = at::isFloatingType(x.scalar_type());
  at::Tensor y = alpha == 0 && is_float ? at::heaviside(x, at::zeros({}, x.options()))
                                        : at::where(x > 0, at::ones({}, x.options()), at::full({}, alpha, x.options()));
  // A NaN makes the sum NaN: one vectorised reduction instead of an isnan mask of x's size.
  if (is_float && x.numel() > 0 && at::isnan(x.sum()).item<bool>()) y = at::where(at::isnan(x), x, y);
  return y;
}

// unary(code, x, alpha) → register. alpha: Step's value for x <= 0, LeakyRelu's slope; ignored otherwise.
TL_FN(unary) {
  int code = static_cast<int>(a.i64(0));
  const at::Tensor& x = a.tensor(1);
  double alpha = a.size() > 2 ? a.num(2) : 0.0;
  at::Tensor y;
  switch (code) {
    case Abs: y = at::abs(x); break;
    case Neg: y = at::neg(x); break;
    case Square: y = at::mul(x, x); break;
    case Sqrt: y = at::sqrt(x); break;
    case Rsqrt: y = at::rsqrt(x); break;
    case Exp: y = at::exp(x); break;
    case Log: y = at::log(x); break;
    case Log1p: y = at::log1p(x); break;
    case Expm1: y = at::expm1(x); break;
    case Relu: y = at::relu(x); break;
    case Relu6: y = at::clamp(x, 0, 6); break;
    case Sigmoid: y = at::sigmoid(x); break;
    case Tanh: y = at::tanh(x); break;
    case Reciprocal: y = at::reciprocal(x); break;
    case Sign: y = at::sign(x); break;
    case Floor: y = at::floor(x); break;
    case Ceil: y = at::ceil(x); break;
    case Round: y = at::round(x); break;  // half to even, as tfjs
    case Step: y = step(x, alpha); break;
    case Elu: y = at::elu(x); break;
    case LeakyRelu: y = at::leaky_relu(x, alpha); break;
    case LogicalNot: y = at::logical_not(x); break;
    case IsNan: y = at::isnan(x); break;
    case Erf: y = at::erf(x); break;
    case Sin: y = at::sin(x); break;
    case Cos: y = at::cos(x); break;
    case Softplus: y = at::softplus(x); break;
    default: throw tl::ArgError("unary: unknown op code " + std::to_string(code));
  }
  return tl::result(a.env, y.scalar_type() == x.scalar_type() || y.scalar_type() == at::kBool ? y : y.to(x.scalar_type()));
}

// binary(code, a, b) → register, broadcasting as tfjs (NumPy rules).
TL_FN(binary) {
  int code = static_cast<int>(a.i64(0));
  const at::Tensor& x = a.tensor(1);
  const at::Tensor& z = a.tensor(2);
  at::Tensor y;
  switch (code) {
    case Add: y = at::add(x, z); break;
    case Sub: y = at::sub(x, z); break;
    case Multiply: y = at::mul(x, z); break;
    case RealDiv: y = at::div(x, z); break;
    case Pow: y = at::pow(x, z); break;
    case Maximum: y = at::maximum(x, z); break;
    case Minimum: y = at::minimum(x, z); break;
    case SquaredDifference: { at::Tensor d = at::sub(x, z); y = at::mul(d, d); break; }
    case FloorDiv: y = at::div(x, z, "floor").to(at::kInt); break;  // tfjs's FloorDiv always gives int32
    case Mod: y = at::remainder(x, z); break;  // sign of the divisor, as tfjs
    case Equal: y = at::eq(x, z); break;
    case NotEqual: y = at::ne(x, z); break;
    case Greater: y = at::gt(x, z); break;
    case GreaterEqual: y = at::ge(x, z); break;
    case Less: y = at::lt(x, z); break;
    case LessEqual: y = at::le(x, z); break;
    case LogicalAnd: y = at::logical_and(x, z); break;
    case LogicalOr: y = at::logical_or(x, z); break;
    case Prelu: y = at::where(x < 0, at::mul(x, z), x); break;
    case Atan2: y = at::atan2(x, z); break;
    case EluGrad: y = at::where(z >= 0, x, at::mul(x, at::add(z, 1))); break;  // (dy, y) as tfjs's EluGrad
    default: throw tl::ArgError("binary: unknown op code " + std::to_string(code));
  }
  return tl::result(a.env, std::move(y));
}

// codes() → { unary: {name: code}, binary: {name: code} }: the single source of the op numbering.
TL_FN(codes) {
  napi_value o, u, b, v;
  napi_create_object(a.env, &o);
  napi_create_object(a.env, &u);
  napi_create_object(a.env, &b);
#define SET_U(n) napi_create_int32(a.env, n, &v); napi_set_named_property(a.env, u, #n, v);
#define SET_B(n) napi_create_int32(a.env, n, &v); napi_set_named_property(a.env, b, #n, v);
  UNARY_OPS(SET_U)
  BINARY_OPS(SET_B)
#undef SET_U
#undef SET_B
  napi_set_named_property(a.env, o, "unary", u);
  napi_set_named_property(a.env, o, "binary", b);
  return o;
}

// select(cond, t, e) → register (tfjs broadcasts all three to one shape before the kernel).
TL_FN(select) { return tl::result(a.env, at::where(a.tensor(0).to(at::kBool), a.tensor(1), a.tensor(2))); }

// cast(x, dtype) → register. float → int32 truncates toward zero, x → bool is x != 0 (as tfjs).
TL_FN(cast) {
  const at::Tensor& x = a.tensor(0);
  at::ScalarType st = tl::scalar_type(static_cast<int>(a.i64(1)));
  return tl::result(a.env, x.scalar_type() == st ? x : (st == at::kBool ? at::ne(x, 0) : x.to(st)));
}

// clip(x, lo, hi) → register.
TL_FN(clip) { return tl::result(a.env, at::clamp(a.tensor(0), a.num(1), a.num(2))); }

// addN([h...]) → register: the sum of same-shape tensors.
TL_FN(addN) {
  std::vector<at::Tensor> ts = a.tensors(0);
  if (ts.empty()) throw tl::ArgError("addN needs at least one tensor");
  at::Tensor s = ts[0].clone();
  for (size_t i = 1; i < ts.size(); i++) s.add_(ts[i]);  // s is a fresh tensor: in-place is private here
  return tl::result(a.env, std::move(s));
}

// fill(shape, value, dtype) → register.
TL_FN(fill) {
  std::vector<int64_t> shape = a.ints(0);
  at::ScalarType st = tl::scalar_type(static_cast<int>(a.i64(2)));
  return tl::result(a.env, at::full(shape, a.num(1), at::TensorOptions().dtype(st)));
}

// fullLike(x, value) → register: x's shape and dtype filled with value (ZerosLike, OnesLike).
TL_FN(fullLike) { return tl::result(a.env, at::full_like(a.tensor(0), a.num(1))); }

}  // namespace

namespace tl {
void register_elementwise(napi_env env, napi_value exports) {
  define(env, exports, "unary", unary);
  define(env, exports, "binary", binary);
  define(env, exports, "codes", codes);
  define(env, exports, "select", select);
  define(env, exports, "cast", cast);
  define(env, exports, "clip", clip);
  define(env, exports, "addN", addN);
  define(env, exports, "fill", fill);
  define(env, exports, "fullLike", fullLike);
}
}  // namespace tl
