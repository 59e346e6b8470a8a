#include "storm/metrics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <variant>

#include "storm/errors.h"

namespace storm {

namespace {

std::function<int64_t()> OrSteadyClock(std::function<int64_t()> now_nanos) {
  if (now_nanos) return now_nanos;
  return [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

// Dropwizard's EWMA: ticked every kTickNanos with what was marked since.
class Ewma {
 public:
  explicit Ewma(double minutes)
      : alpha_(1 - std::exp(-static_cast<double>(kTickSecs) / 60.0 / minutes)) {}
  void Update(int64_t n) { uncounted_ += n; }
  void Tick() {
    const double instant = static_cast<double>(uncounted_) / static_cast<double>(kTickSecs);
    uncounted_ = 0;
    rate_ = initialized_ ? rate_ + alpha_ * (instant - rate_) : instant;
    initialized_ = true;
  }
  double rate() const { return rate_; }  // per second

  static constexpr int64_t kTickSecs = 5;
  static constexpr int64_t kTickNanos = kTickSecs * 1'000'000'000LL;

 private:
  double alpha_;
  int64_t uncounted_ = 0;
  double rate_ = 0;
  bool initialized_ = false;
};

}  // namespace

// --- Gauge

Gauge::Gauge(std::function<double()> value) : value_(std::move(value)) {}

double Gauge::getValue() const { return value_ ? value_() : 0.0; }

// --- HistogramSnapshot

HistogramSnapshot::HistogramSnapshot(std::vector<double> values) : values_(std::move(values)) {
  std::sort(values_.begin(), values_.end());
}

double HistogramSnapshot::getValue(double quantile) const {
  if (values_.empty()) return 0;
  quantile = std::clamp(quantile, 0.0, 1.0);
  // Dropwizard's UniformSnapshot: position q * (n + 1), interpolated.
  const double pos = quantile * static_cast<double>(values_.size() + 1);
  const auto index = static_cast<size_t>(pos);
  if (index < 1) return values_.front();
  if (index >= values_.size()) return values_.back();
  const double lower = values_[index - 1];
  const double upper = values_[index];
  return lower + (pos - std::floor(pos)) * (upper - lower);
}

double HistogramSnapshot::getMin() const { return values_.empty() ? 0 : values_.front(); }
double HistogramSnapshot::getMax() const { return values_.empty() ? 0 : values_.back(); }
double HistogramSnapshot::getMean() const {
  if (values_.empty()) return 0;
  double sum = 0;
  for (double v : values_) sum += v;
  return sum / static_cast<double>(values_.size());
}

// --- Histogram

struct Histogram::Impl {
  mutable std::mutex mutex;
  std::vector<double> ring;  // guarded by mutex; the last kReservoirSize values
  size_t next = 0;           // guarded by mutex
  int64_t count = 0;         // guarded by mutex
  double sum = 0;            // guarded by mutex
};

Histogram::Histogram() : impl_(std::make_unique<Impl>()) {}
Histogram::~Histogram() = default;

void Histogram::update(double value) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->ring.size() < kReservoirSize) {
    impl_->ring.push_back(value);
  } else {
    impl_->ring[impl_->next] = value;
  }
  impl_->next = (impl_->next + 1) % kReservoirSize;
  ++impl_->count;
  impl_->sum += value;
}

int64_t Histogram::getCount() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->count;
}

double Histogram::getSum() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->sum;
}

HistogramSnapshot Histogram::getSnapshot() const {
  std::vector<double> values;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    values = impl_->ring;
  }
  return HistogramSnapshot(std::move(values));
}

// --- Meter

struct Meter::Impl {
  explicit Impl(std::function<int64_t()> clock)
      : now(std::move(clock)), start(now()), last_tick(start) {}

  // Ticks the averages once per whole interval gone by (Dropwizard's
  // tickIfNecessary). Under mutex.
  void TickIfNecessary() {
    const int64_t t = now();
    const int64_t age = t - last_tick;
    if (age <= Ewma::kTickNanos) return;
    last_tick = t - age % Ewma::kTickNanos;
    for (int64_t i = 0; i < age / Ewma::kTickNanos; ++i) {
      m1.Tick();
      m5.Tick();
      m15.Tick();
    }
  }

  std::function<int64_t()> now;
  std::mutex mutex;
  const int64_t start;
  int64_t last_tick;        // guarded by mutex
  int64_t count = 0;        // guarded by mutex
  Ewma m1{1}, m5{5}, m15{15};  // guarded by mutex
};

Meter::Meter(std::function<int64_t()> now_nanos)
    : impl_(std::make_unique<Impl>(OrSteadyClock(std::move(now_nanos)))) {}
Meter::~Meter() = default;

void Meter::mark(int64_t n) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->TickIfNecessary();
  impl_->count += n;
  impl_->m1.Update(n);
  impl_->m5.Update(n);
  impl_->m15.Update(n);
}

int64_t Meter::getCount() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->count;
}

double Meter::getOneMinuteRate() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->TickIfNecessary();
  return impl_->m1.rate();
}

double Meter::getFiveMinuteRate() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->TickIfNecessary();
  return impl_->m5.rate();
}

double Meter::getFifteenMinuteRate() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->TickIfNecessary();
  return impl_->m15.rate();
}

double Meter::getMeanRate() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const int64_t elapsed = impl_->now() - impl_->start;
  if (impl_->count == 0 || elapsed <= 0) return 0;
  return static_cast<double>(impl_->count) / (static_cast<double>(elapsed) / 1e9);
}

// --- MetricRegistry

struct MetricRegistry::Impl {
  using Metric = std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>,
                              std::unique_ptr<Histogram>, std::unique_ptr<Meter>>;
  static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram", "meter"};

  // The metric named `name` of alternative I, made by `make` when new.
  template <size_t I, class Make>
  auto& Get(const std::string& name, Make make) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = metrics.find(name);
    if (it == metrics.end()) {
      it = metrics.emplace(name, Metric(std::in_place_index<I>, make())).first;
    } else if (it->second.index() != I) {
      throw StormError("a metric named '" + name + "' is already registered as a " +
                       kTypeNames[it->second.index()] + ", not a " + kTypeNames[I]);
    }
    return *std::get<I>(it->second);
  }

  std::function<int64_t()> now;
  mutable std::mutex mutex;
  std::map<std::string, Metric> metrics;  // guarded by mutex; entries never removed
};

MetricRegistry::MetricRegistry(std::function<int64_t()> now_nanos)
    : impl_(std::make_unique<Impl>()) {
  impl_->now = OrSteadyClock(std::move(now_nanos));
}
MetricRegistry::~MetricRegistry() = default;

Counter& MetricRegistry::counter(const std::string& name) {
  return impl_->Get<0>(name, [] { return std::make_unique<Counter>(); });
}

Gauge& MetricRegistry::gauge(const std::string& name, std::function<double()> value) {
  return impl_->Get<1>(name, [&] { return std::make_unique<Gauge>(std::move(value)); });
}

Histogram& MetricRegistry::histogram(const std::string& name) {
  return impl_->Get<2>(name, [] { return std::make_unique<Histogram>(); });
}

Meter& MetricRegistry::meter(const std::string& name) {
  return impl_->Get<3>(name, [this] { return std::make_unique<Meter>(impl_->now); });
}

std::vector<MetricReading> MetricRegistry::Read() const {
  // The metrics outlive the lock (never removed); reading them outside it
  // keeps a slow gauge from holding up a task registering one.
  std::vector<std::pair<std::string, const Impl::Metric*>> all;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    for (const auto& [name, metric] : impl_->metrics) all.emplace_back(name, &metric);
  }
  std::vector<MetricReading> out;
  for (const auto& [name, metric] : all) {
    MetricReading r{name, Impl::kTypeNames[metric->index()], {}};
    switch (metric->index()) {
      case 0:
        r.values["count"] = static_cast<double>(std::get<0>(*metric)->getCount());
        break;
      case 1:
        try {
          r.values["value"] = std::get<1>(*metric)->getValue();
        } catch (const std::exception&) {
          continue;  // a broken gauge: nothing to report
        }
        break;
      case 2: {
        const Histogram& h = *std::get<2>(*metric);
        const HistogramSnapshot s = h.getSnapshot();
        r.values = {{"count", static_cast<double>(h.getCount())},
                    {"sum", h.getSum()},
                    {"min", s.getMin()},
                    {"max", s.getMax()},
                    {"mean", s.getMean()},
                    {"p50", s.getMedian()},
                    {"p75", s.get75thPercentile()},
                    {"p95", s.get95thPercentile()},
                    {"p98", s.get98thPercentile()},
                    {"p99", s.get99thPercentile()},
                    {"p999", s.get999thPercentile()}};
        break;
      }
      case 3: {
        Meter& m = *std::get<3>(*metric);
        r.values = {{"count", static_cast<double>(m.getCount())},
                    {"m1_rate", m.getOneMinuteRate()},
                    {"m5_rate", m.getFiveMinuteRate()},
                    {"m15_rate", m.getFifteenMinuteRate()},
                    {"mean_rate", m.getMeanRate()}};
        break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace storm
