#include "store.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

namespace tl {

namespace {
std::unordered_map<uint32_t, at::Tensor> g_table;
uint32_t g_next = 1;  // 0 is never a valid handle
double* g_reg = nullptr;
size_t g_reg_len = 0;
size_t g_pos = 0;
}  // namespace

at::ScalarType scalar_type(int code) {
  switch (code) {
    case kF32: return at::kFloat;
    case kI32: return at::kInt;
    case kBool: return at::kBool;
  }
  throw std::runtime_error("unknown dtype code " + std::to_string(code));
}

int dtype_code(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return kF32;
    case at::kInt: return kI32;
    case at::kBool: return kBool;
    default: throw std::runtime_error(std::string("libtorch backend produced an unsupported dtype ") + c10::toString(t));
  }
}

uint32_t put(at::Tensor t) {
  uint32_t id = g_next++;
  if (g_next == 0) g_next = 1;
  g_table.emplace(id, std::move(t));
  return id;
}

const at::Tensor& get(uint32_t id) {
  auto it = g_table.find(id);
  if (it == g_table.end()) throw std::runtime_error("unknown or disposed tensor handle " + std::to_string(id));
  return it->second;
}

void drop(uint32_t id) { g_table.erase(id); }

size_t live_count() { return g_table.size(); }

int64_t live_bytes() {
  int64_t n = 0;
  for (auto& kv : g_table) n += static_cast<int64_t>(kv.second.storage().nbytes());
  return n;
}

void set_register(double* reg, size_t len) {
  g_reg = reg;
  g_reg_len = len;
}

void begin(int n) {
  if (!g_reg) throw std::runtime_error("libtorch addon: init() was not called");
  g_reg[0] = n;
  g_pos = 1;
}

void emit(at::Tensor t) {
  if (t.scalar_type() == at::kLong) t = t.to(at::kInt);
  else if (t.scalar_type() == at::kDouble) t = t.to(at::kFloat);
  int code = dtype_code(t.scalar_type());
  size_t rank = static_cast<size_t>(t.dim());
  if (g_pos + 3 + rank > g_reg_len) throw std::runtime_error("libtorch addon: return register overflow");
  size_t at_id = g_pos;
  g_pos += 3;
  for (size_t i = 0; i < rank; i++) g_reg[g_pos++] = static_cast<double>(t.size(static_cast<int64_t>(i)));
  g_reg[at_id + 1] = code;
  g_reg[at_id + 2] = static_cast<double>(rank);
  g_reg[at_id] = put(std::move(t));
}

napi_value result(napi_env env, at::Tensor t) {
  begin(1);
  emit(std::move(t));
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

}  // namespace tl
