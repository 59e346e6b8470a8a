// Waiting without burning the other core (a spinning thread steals the core
// another thread needs, and this machine class has two): a thread that
// finds nothing to do spins a little, then parks on a condition variable
// until woken or a timeout passes. Producers wake a parked consumer only
// when it is parked, so the busy path costs one load.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define STORM_CPU_RELAX() _mm_pause()
#else
#define STORM_CPU_RELAX() std::this_thread::yield()
#endif

namespace storm {

// Where threads park until woken or a timeout passes. Any number of threads
// may park (several producers can wait for room in one queue) and any
// number may wake them; a wake-up reaches every parked thread.
class Parker {
 public:
  // Parks until Unpark() or `timeout`. `still_idle` is called after
  // announcing the park; it must re-check the condition the caller waits
  // for, so that a wake-up sent between the caller's last check and the park
  // is not lost (the announce and the wakers' publish are both seq_cst).
  template <typename StillIdle>
  void Park(std::chrono::microseconds timeout, StillIdle still_idle) {
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    const uint64_t generation = generation_.load(std::memory_order_seq_cst);
    if (still_idle()) {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, timeout, [&] {
        return generation_.load(std::memory_order_relaxed) != generation;
      });
    }
    waiters_.fetch_sub(1, std::memory_order_relaxed);
  }

  // How many wake-ups were sent to parked threads. For tests.
  uint64_t wakeups() const { return generation_.load(std::memory_order_seq_cst); }

  void Unpark() {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_relaxed) == 0) return;  // the busy path: one load
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_relaxed);
    }
    cv_.notify_all();
  }

 private:
  std::atomic<int> waiters_{0};
  std::atomic<uint64_t> generation_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
};

// Progressive back-off of one thread: call Step() each time it finds no
// work, Reset() when it finds some.
//
// No sched_yield between the spinning and the parking. With work arriving
// every few tens of microseconds (a throttled spout, frames every flush
// interval) two yields took about as long as the gap to the next batch, so
// the threads never parked and yielded to each other instead: at 200 k
// trees/s the two workers of the cluster benchmark made 143 k involuntary
// switches a second and used 154% of the two cores, against 9.5 k and 97%
// parking at once; the half-rate p99 went from 1.97-2.23 ms to 1.25-1.51 ms,
// the saturated rates the same.
class Backoff {
 public:
  static constexpr int kSpins = 16;

  // Returns true when the caller should park now (spinning done).
  bool Step() {
    if (count_ < kSpins) {
      ++count_;
      STORM_CPU_RELAX();
      return false;
    }
    return true;
  }
  void Reset() { count_ = 0; }

 private:
  int count_ = 0;
};

}  // namespace storm
