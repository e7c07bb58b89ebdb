// 2-D matrix products over the addon's pool (linalg.cc): used by the BatchMatMul kernel and the fused linear layer.
#pragma once

#include <ATen/ATen.h>

namespace tl {

// x [M, K] · y [K, N] (+ bias [N] when given), operands possibly transposed views. With several pool threads and a
// product of at least ~4 MFLOP, the output's rows are split across the threads, one single-threaded BLAS call each
// (OpenBLAS runs single-threaded here); the rows are computed by the same BLAS kernel either way.
at::Tensor mm(const at::Tensor& x, const at::Tensor& y, const at::Tensor* bias = nullptr);

}  // namespace tl
