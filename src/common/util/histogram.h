// LatencyHistogram: log-linear buckets (16 per power of two) of nanosecond
// latencies, about 6% relative precision, fixed memory. Recorded by one
// thread; read (Percentile, Count) by any thread with relaxed atomics.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>

namespace storm {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 4;
  static constexpr int kBuckets = 64 << kSubBits;

  void Record(int64_t nanos) {
    auto& b = buckets_[Bucket(nanos < 0 ? 0 : static_cast<uint64_t>(nanos))];
    b.store(b.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  uint64_t Count() const {
    uint64_t n = 0;
    for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
    return n;
  }

  // The value at quantile q (0..1), in nanoseconds (a bucket's upper bound).
  int64_t Percentile(double q) const {
    uint64_t total = Count();
    if (total == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(total - 1)) + 1;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += buckets_[i].load(std::memory_order_relaxed);
      if (seen >= rank) return Saturate(UpperBound(i));
    }
    return Saturate(UpperBound(kBuckets - 1));
  }

  // The mean in nanoseconds, each value taken as its bucket's upper bound
  // (so up to ~6% high, like Percentile); 0 when empty.
  double MeanNanos() const {
    uint64_t total = 0;
    double sum = 0;
    for (int i = 0; i < kBuckets; ++i) {
      const uint64_t n = buckets_[i].load(std::memory_order_relaxed);
      total += n;
      sum += static_cast<double>(n) * static_cast<double>(UpperBound(i));
    }
    return total == 0 ? 0.0 : sum / static_cast<double>(total);
  }

  void Merge(const LatencyHistogram& other) {
    for (int i = 0; i < kBuckets; ++i) {
      buckets_[i].fetch_add(other.buckets_[i].load(std::memory_order_relaxed),
                            std::memory_order_relaxed);
    }
  }

  // Removes `earlier` (a snapshot of this histogram taken before), leaving
  // what was recorded since.
  void Subtract(const LatencyHistogram& earlier) {
    for (int i = 0; i < kBuckets; ++i) {
      buckets_[i].fetch_sub(earlier.buckets_[i].load(std::memory_order_relaxed),
                            std::memory_order_relaxed);
    }
  }

  // Bucket by bucket, for moving a histogram between processes (the worker
  // heartbeat's complete-latency buckets): i in [0, kBuckets).
  uint64_t BucketCount(int i) const { return buckets_[i].load(std::memory_order_relaxed); }
  void AddToBucket(int i, uint64_t n) {
    buckets_[i].fetch_add(n, std::memory_order_relaxed);
  }

  // The largest value bucket i holds, in nanoseconds (saturated): what
  // Percentile reports for it, and the edge exporters map buckets by.
  static int64_t BucketUpperBoundNanos(int i) { return Saturate(UpperBound(i)); }

  void Reset() {
    for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
  }

 private:
  static int Bucket(uint64_t v) {
    if (v < (1u << kSubBits)) return static_cast<int>(v);
    int exp = 63 - std::countl_zero(v);  // >= kSubBits
    int sub = static_cast<int>((v >> (exp - kSubBits)) & ((1u << kSubBits) - 1));
    return ((exp - kSubBits + 1) << kSubBits) + sub;
  }
  static int64_t Saturate(uint64_t v) {
    return v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v);
  }
  static uint64_t UpperBound(int bucket) {
    if (bucket < (1 << kSubBits)) return static_cast<uint64_t>(bucket);
    int exp = (bucket >> kSubBits) + kSubBits - 1;
    uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
    if (exp >= 63) return UINT64_MAX;
    return ((uint64_t{1} << kSubBits) + sub + 1) << (exp - kSubBits);
  }

  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

}  // namespace storm
