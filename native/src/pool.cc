// A fixed set of worker threads driven by a generation counter: parallel_for publishes a job, wakes the workers,
// runs its own chunk, then waits for theirs. Workers spin for 2,000 pauses (~0.05-0.1 ms) after each job before
// sleeping on the condition variable, then give the core back. On the 2-core machines the spin length made no
// measurable difference to training or inference speed (0, 200, 2,000, 20,000 and 100,000 pauses: all within noise).
#include "pool.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tl {
namespace {

struct Job {
  const std::function<void(int64_t, int64_t)>* f = nullptr;
  int64_t begin = 0, chunk = 0, end = 0;
};

class Pool {
 public:
  ~Pool() { resize(1); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int n) {
    if (n < 1) n = 1;
    if (inside_) throw std::runtime_error("the thread count cannot change inside a parallel loop");
    std::lock_guard<std::mutex> serial(run_mu_);  // never while a job runs
    if (n == threads()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    // The generation a new worker starts from is read here, not in the thread: a thread that started late would
    // otherwise take a job published meanwhile for one it had already seen, and never run it.
    const uint64_t start = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < n; i++) workers_.emplace_back([this, i, start] { work(i, start); });
  }

  void run(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
    const int64_t n = end - begin;
    if (n <= 0) return;
    const int64_t parts = std::min<int64_t>(threads(), std::max<int64_t>(1, n / std::max<int64_t>(grain, 1)));
    if (parts <= 1 || inside_) {
      f(begin, end);
      return;
    }
    std::lock_guard<std::mutex> serial(run_mu_);  // one job at a time (the addon is called from one JS thread)
    // Every worker takes part in every job (those past `parts` get an empty chunk), so that none can still be reading
    // this job when the next one is published.
    job_ = {&f, begin, (n + parts - 1) / parts, end};
    pending_.store(threads() - 1, std::memory_order_relaxed);
    error_ = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    chunk(0);
    // Wait for the workers; yield now and then in case there are more threads than cores.
    for (int spin = 0; pending_.load(std::memory_order_acquire) > 0; spin++) {
      if (spin % 10000 == 9999) std::this_thread::yield();
      else pause();
    }
    if (error_) {
      std::exception_ptr e = error_;
      error_ = nullptr;
      std::rethrow_exception(e);
    }
  }

 private:
  static void pause() {
#if defined(__x86_64__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }

  void chunk(int idx) {
    const int64_t b = job_.begin + idx * job_.chunk;
    const int64_t e = std::min(job_.end, b + job_.chunk);
    if (b >= e) return;
    inside_ = true;
    try {
      (*job_.f)(b, e);
    } catch (...) {
      std::lock_guard<std::mutex> lock(err_mu_);
      if (!error_) error_ = std::current_exception();
    }
    inside_ = false;
  }

  void work(int idx, uint64_t seen) {
    c10::InferenceMode mode;
    for (;;) {
      // Spin a little for the next job, then sleep.
      uint64_t g = generation_.load(std::memory_order_acquire);
      for (int spin = 0; g == seen && spin < 2000; spin++) {
        pause();
        g = generation_.load(std::memory_order_acquire);
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      if (stop_) return;
      chunk(idx);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_, err_mu_;
  std::condition_variable cv_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  Job job_;
  bool stop_ = false;
  std::exception_ptr error_;
  static thread_local bool inside_;
};

thread_local bool Pool::inside_ = false;

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void set_pool_threads(int n) { pool().resize(n); }
int pool_threads() { return pool().threads(); }
void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
  pool().run(begin, end, grain, f);
}

}  // namespace tl
