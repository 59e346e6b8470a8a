// StatsWindows: Storm's rolling windows (600 s, 3 h, 1 day) made from
// cumulative totals, off the hot path. At each heartbeat the caller passes
// the totals so far; per window a small ring keeps a snapshot of them every
// window / buckets seconds, and a window's value is the totals now minus
// the newest snapshot at least one window old (or minus the zero snapshot
// taken at the start, while younger than the window). So a window covers
// between one window and one window plus a bucket.
//
// T: a value type with `T operator-(const T&) const`, copyable; its default
// value is "nothing counted".
// Thread safety: none; one thread (the heartbeat's) uses an instance.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace storm {

template <class T>
class StatsWindows {
 public:
  // `window_secs`: each window's length; `buckets`: snapshots per window;
  // `start_nanos`: when counting started (the zero snapshot's time).
  StatsWindows(std::vector<int64_t> window_secs, int buckets, int64_t start_nanos)
      : windows_(window_secs.size()) {
    for (size_t i = 0; i < windows_.size(); ++i) {
      Window& w = windows_[i];
      w.length_nanos = window_secs[i] * 1'000'000'000LL;
      w.bucket_nanos = std::max<int64_t>(1, w.length_nanos / std::max(1, buckets));
      w.snapshots.emplace_back(start_nanos, T{});
    }
  }

  // Takes the totals at `now_nanos` (not earlier than the last call's).
  void Update(int64_t now_nanos, const T& totals) {
    for (Window& w : windows_) {
      if (now_nanos - w.snapshots.back().first >= w.bucket_nanos) {
        w.snapshots.emplace_back(now_nanos, totals);
      }
      // Keep as the oldest the newest snapshot at least a window old.
      while (w.snapshots.size() >= 2 && w.snapshots[1].first <= now_nanos - w.length_nanos) {
        w.snapshots.pop_front();
      }
    }
  }

  // Window `index`'s value: `totals` (as last passed to Update) minus its base.
  T Delta(size_t index, const T& totals) const {
    return totals - windows_[index].snapshots.front().second;
  }
  size_t size() const { return windows_.size(); }

 private:
  struct Window {
    int64_t length_nanos = 0;
    int64_t bucket_nanos = 0;
    std::deque<std::pair<int64_t, T>> snapshots;  // (time, totals), oldest first
  };
  std::vector<Window> windows_;
};

}  // namespace storm
