// The addon's own worker threads for intra-op parallelism. ATen's at::parallel_for (OpenMP) ran every range as one
// chunk on the calling thread when called from this addon (measured: `chunk 0-2 on thread 0` with 2 threads set),
// so nothing ran in parallel; this pool does. Workers run ops under c10::InferenceMode, like the calling thread.
#pragma once

#include <cstdint>
#include <functional>

namespace tl {

// Threads taking part in parallel_for, the calling thread included (1: everything runs on the caller).
void set_pool_threads(int n);
int pool_threads();

// Splits [begin, end) into at most pool_threads() contiguous chunks of at least `grain` items and runs f(b, e) on
// each, the caller running one; returns when all are done and rethrows the first exception a chunk threw. Nested
// calls (from inside a chunk) run inline.
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f);

}  // namespace tl
