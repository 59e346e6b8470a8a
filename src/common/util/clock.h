// Clock: the seam to time. Executors read time only through a Clock, so that
// tests drive timeouts with a ManualClock instead of sleeping.
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace storm {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds since an arbitrary epoch.
  virtual int64_t NowNanos() const = 0;
  int64_t NowMillis() const { return NowNanos() / 1'000'000; }
};

class RealClock final : public Clock {
 public:
  int64_t NowNanos() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  // One instance for the whole process.
  static RealClock* Get() {
    static RealClock clock;
    return &clock;
  }
};

// Time moves only when a test says so.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_nanos = 1'000'000'000) : now_(start_nanos) {}
  int64_t NowNanos() const override { return now_.load(std::memory_order_acquire); }
  void AdvanceNanos(int64_t nanos) { now_.fetch_add(nanos, std::memory_order_acq_rel); }
  void AdvanceMillis(int64_t millis) { AdvanceNanos(millis * 1'000'000); }
  void AdvanceSecs(int64_t secs) { AdvanceNanos(secs * 1'000'000'000); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace storm
