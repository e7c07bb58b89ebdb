// 2-D matrix products over the addon's pool (mm.cc): used by the BatchMatMul kernel and the fused linear layer.
#pragma once

#include <ATen/ATen.h>

namespace tl {

// x [M, K] · y [K, N] (+ bias [N] when given), operands possibly transposed views (read in place). oneDNN's sgemm
// (mm.cc); with several pool threads and a product of at least ~4 MFLOP, the output's rows are split across the
// threads, one single-threaded call each; a row's bits are the same either way.
at::Tensor mm(const at::Tensor& x, const at::Tensor& y, const at::Tensor* bias = nullptr);

}  // namespace tl
