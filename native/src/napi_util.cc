#include "napi_util.h"

#include "store.h"

namespace tl {

void check(napi_env env, napi_status s, const char* what) {
  if (s != napi_ok) throw ArgError(std::string("Node-API call failed: ") + what);
}

Args::Args(napi_env e, napi_callback_info info) : env(e) {
  check(env, napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr), "get_cb_info");
  if (argc_ > kMax) argc_ = kMax;
}

napi_value Args::raw(size_t i) const {
  if (i >= argc_) throw ArgError("missing argument " + std::to_string(i));
  return argv_[i];
}

double Args::num(size_t i) const {
  double v;
  if (napi_get_value_double(env, raw(i), &v) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must be a number");
  return v;
}

int64_t Args::i64(size_t i) const {
  int64_t v;
  if (napi_get_value_int64(env, raw(i), &v) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must be an integer");
  return v;
}

bool Args::boolean(size_t i) const {
  bool v;
  if (napi_get_value_bool(env, raw(i), &v) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must be a boolean");
  return v;
}

std::vector<int64_t> Args::ints(size_t i) const {
  napi_value arr = raw(i);
  uint32_t n;
  if (napi_get_array_length(env, arr, &n) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must be an array");
  std::vector<int64_t> out(n);
  for (uint32_t k = 0; k < n; k++) {
    napi_value el;
    check(env, napi_get_element(env, arr, k, &el), "get_element");
    if (napi_get_value_int64(env, el, &out[k]) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must hold integers");
  }
  return out;
}

std::vector<double> Args::nums(size_t i) const {
  napi_value arr = raw(i);
  uint32_t n;
  if (napi_get_array_length(env, arr, &n) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must be an array");
  std::vector<double> out(n);
  for (uint32_t k = 0; k < n; k++) {
    napi_value el;
    check(env, napi_get_element(env, arr, k, &el), "get_element");
    if (napi_get_value_double(env, el, &out[k]) != napi_ok) throw ArgError("argument " + std::to_string(i) + " must hold numbers");
  }
  return out;
}

const at::Tensor& Args::tensor(size_t i) const { return get(static_cast<uint32_t>(i64(i))); }

std::vector<at::Tensor> Args::tensors(size_t i) const {
  std::vector<at::Tensor> out;
  for (int64_t h : ints(i)) out.push_back(get(static_cast<uint32_t>(h)));
  return out;
}

void define(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  check(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn), "create_function");
  check(env, napi_set_named_property(env, exports, name, fn), "set_named_property");
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

}  // namespace tl
