// ErrorThrottle: Storm's limit on the errors an executor reports to the
// cluster state: at most topology.max.error.report.per.interval in each
// topology.error.throttle.interval.secs; past that they are only logged.
// The interval starts at the first error after the last one ended (Storm's
// Executor.reportError).
// Thread safety: none; the executor's user logic thread's.
#pragma once

#include <cstdint>

namespace storm {

class ErrorThrottle {
 public:
  ErrorThrottle(int64_t max_per_interval, int64_t interval_secs)
      : max_(max_per_interval), interval_nanos_(interval_secs * 1'000'000'000LL) {}

  // Whether an error at `now_nanos` is to be reported.
  bool Allow(int64_t now_nanos) {
    if (count_ == 0 || now_nanos - start_nanos_ > interval_nanos_) {
      start_nanos_ = now_nanos;
      count_ = 0;
    }
    ++count_;
    return count_ <= max_;
  }

 private:
  int64_t max_;
  int64_t interval_nanos_;
  int64_t start_nanos_ = 0;
  int64_t count_ = 0;
};

}  // namespace storm
