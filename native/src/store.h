// The handle table: every tfjs dataId of the libtorch backend owns one handle, a number naming an at::Tensor here.
// Tensors are stored with the tfjs shape and dtype (float32 → kFloat, int32 → kInt, bool → kBool); they may be
// views (reshape, transpose, slice share storage), never mutated in place, so sharing storage is safe.
//
// Results go back to JS through the "return register", a Float64Array JS hands over once (init): after an op,
//   reg[0] = number of outputs, then per output: handle, dtype code, rank, dim0, ..., dim{rank-1}.
// This avoids allocating a JS array per kernel call.
#pragma once

#include <ATen/ATen.h>
#include <node_api.h>

#include <cstdint>

namespace tl {

enum DtypeCode : int { kF32 = 0, kI32 = 1, kBool = 2 };

at::ScalarType scalar_type(int code);
int dtype_code(at::ScalarType t);

uint32_t put(at::Tensor t);
const at::Tensor& get(uint32_t id);
void drop(uint32_t id);
size_t live_count();
int64_t live_bytes();  // sum over handles of their storage's bytes (views of one storage count once each)

// Output register.
void set_register(double* reg, size_t len);
// Start a result with n outputs; then call emit() n times.
void begin(int n);
// Store t (normalised: int64 → int32, float64 → float32) as a new handle and describe it in the register.
void emit(at::Tensor t);
// begin(1) + emit(t); returns undefined for convenience.
napi_value result(napi_env env, at::Tensor t);

}  // namespace tl
