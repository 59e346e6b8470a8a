// Metrics a task registers from its TopologyContext (registerCounter,
// registerGauge, registerHistogram, registerMeter), as Storm 2's "Metrics
// Reporting V2": the shapes of Dropwizard's Counter, Gauge, Histogram and
// Meter. The worker reads them at each heartbeat and reports them per task
// (the UI and Prometheus show them).
//
// Ownership: the task's context owns its metrics; a reference returned by a
// register method stays valid for the task's life. Registering a name again
// returns the same metric; registering it as another type throws StormError.
// Thread safety: a metric may be updated from any thread (the task's own is
// the usual one) while the runtime reads it from another.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storm/export.h"

namespace storm {

// A count that goes up and down (Dropwizard's Counter).
class STORM_API Counter {
 public:
  void inc(int64_t n = 1) { count_.fetch_add(n, std::memory_order_relaxed); }
  void dec(int64_t n = 1) { count_.fetch_sub(n, std::memory_order_relaxed); }
  int64_t getCount() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> count_{0};
};

// A value read when the metrics are (Dropwizard's Gauge). Its function runs
// on the thread that reads the metrics, not the task's: it must be safe to
// call from there.
class STORM_API Gauge {
 public:
  explicit Gauge(std::function<double()> value);
  double getValue() const;

 private:
  std::function<double()> value_;
};

// What a Histogram held when read: its recent values, sorted.
class STORM_API HistogramSnapshot {
 public:
  explicit HistogramSnapshot(std::vector<double> values);  // any order
  // The value at `quantile` (0..1), interpolated; 0 when empty.
  double getValue(double quantile) const;
  double getMedian() const { return getValue(0.5); }
  double get75thPercentile() const { return getValue(0.75); }
  double get95thPercentile() const { return getValue(0.95); }
  double get98thPercentile() const { return getValue(0.98); }
  double get99thPercentile() const { return getValue(0.99); }
  double get999thPercentile() const { return getValue(0.999); }
  double getMin() const;
  double getMax() const;
  double getMean() const;
  size_t size() const { return values_.size(); }
  const std::vector<double>& getValues() const { return values_; }

 private:
  std::vector<double> values_;
};

// A distribution of values (Dropwizard's Histogram). Its snapshot holds the
// last kReservoirSize values (a sliding window reservoir); getCount counts
// every update.
class STORM_API Histogram {
 public:
  static constexpr size_t kReservoirSize = 1028;

  Histogram();
  ~Histogram();
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void update(double value);
  int64_t getCount() const;
  double getSum() const;  // of every value
  HistogramSnapshot getSnapshot() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A rate of events (Dropwizard's Meter): its count, its mean rate since it
// was made, and exponentially weighted moving averages over 1, 5 and 15
// minutes (Unix load averages), ticking every 5 seconds. Rates per second.
class STORM_API Meter {
 public:
  // `now_nanos`: a monotonic clock; empty: std::chrono::steady_clock.
  explicit Meter(std::function<int64_t()> now_nanos = {});
  ~Meter();
  Meter(const Meter&) = delete;
  Meter& operator=(const Meter&) = delete;

  void mark(int64_t n = 1);
  int64_t getCount() const;
  double getOneMinuteRate();
  double getFiveMinuteRate();
  double getFifteenMinuteRate();
  double getMeanRate();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One metric's values when read: type "counter" {count}, "gauge" {value},
// "histogram" {count, sum, min, max, mean, p50, p75, p95, p98, p99, p999},
// "meter" {count, m1_rate, m5_rate, m15_rate, mean_rate}.
struct MetricReading {
  std::string name;
  std::string type;
  std::map<std::string, double> values;
};

// One task's metrics by name. Thread safe.
class STORM_API MetricRegistry {
 public:
  // `now_nanos`: the clock meters use; empty: std::chrono::steady_clock.
  explicit MetricRegistry(std::function<int64_t()> now_nanos = {});
  ~MetricRegistry();
  MetricRegistry(const MetricRegistry&) = delete;
  MetricRegistry& operator=(const MetricRegistry&) = delete;

  Counter& counter(const std::string& name);
  Gauge& gauge(const std::string& name, std::function<double()> value);
  Histogram& histogram(const std::string& name);
  Meter& meter(const std::string& name);
  // Every metric read now, by name. A gauge whose function throws is left out.
  std::vector<MetricReading> Read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storm
