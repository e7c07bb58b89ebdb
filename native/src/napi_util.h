// Small helpers over plain Node-API (node_api.h, C ABI): argument parsing, error conversion, function export.
// Every exported function runs inside `guarded`, which turns C++/libtorch exceptions into JS Errors and runs the
// body under c10::InferenceMode (no autograd bookkeeping: tfjs computes gradients itself through its kernels).
#pragma once

#include <node_api.h>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace tl {

// A JS-side usage error (bad argument); message goes to the JS Error unchanged.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(napi_env env, napi_status s, const char* what);

class Args {
 public:
  Args(napi_env env, napi_callback_info info);
  size_t size() const { return argc_; }
  napi_value raw(size_t i) const;
  double num(size_t i) const;
  int64_t i64(size_t i) const;
  bool boolean(size_t i) const;
  std::vector<int64_t> ints(size_t i) const;  // a JS array of integers
  std::vector<double> nums(size_t i) const;   // a JS array of numbers
  // The tensor behind a handle argument (a JS number); throws on an unknown or disposed handle.
  const at::Tensor& tensor(size_t i) const;
  std::vector<at::Tensor> tensors(size_t i) const;  // a JS array of handles
  napi_env env;

 private:
  static constexpr size_t kMax = 16;
  napi_value argv_[kMax];
  size_t argc_ = kMax;
};

// Runs f() with exceptions mapped to JS Errors; f returns napi_value (nullptr → undefined).
template <typename F>
napi_value guarded(napi_env env, F&& f) {
  try {
    c10::InferenceMode mode;
    return f();
  } catch (const c10::Error& e) {
    napi_throw_error(env, nullptr, (std::string("libtorch: ") + e.what_without_backtrace()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

void define(napi_env env, napi_value exports, const char* name, napi_callback cb);

napi_value undefined(napi_env env);

}  // namespace tl

// Declares an exported function whose body sees `Args a` and returns napi_value (or nullptr).
#define TL_FN(name)                                                          \
  static napi_value name##_body(tl::Args& a);                                \
  static napi_value name(napi_env env, napi_callback_info info) {            \
    return tl::guarded(env, [&]() {                                          \
      tl::Args a(env, info);                                                 \
      return name##_body(a);                                                 \
    });                                                                      \
  }                                                                          \
  static napi_value name##_body(tl::Args& a)
