// The metrics a task registers from its TopologyContext (storm/metrics.h):
// Storm's names and Dropwizard's shapes, one metric per name, meters' rates
// on a manual clock.
#include "storm/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "storm/errors.h"

namespace storm {
namespace {

constexpr int64_t kSec = 1'000'000'000LL;

MetricReading Find(const std::vector<MetricReading>& all, const std::string& name) {
  for (const MetricReading& r : all) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no metric " << name;
  return {};
}

TEST(MetricsTest, CounterCountsUpAndDown) {
  Counter c;
  c.inc();
  c.inc(5);
  c.dec();
  EXPECT_EQ(c.getCount(), 5);
}

TEST(MetricsTest, RegisteringANameAgainGivesTheSameMetric) {
  MetricRegistry registry;
  Counter& a = registry.counter("words");
  a.inc(3);
  EXPECT_EQ(&registry.counter("words"), &a);
  EXPECT_EQ(registry.counter("words").getCount(), 3);
  EXPECT_EQ(&registry.meter("rate"), &registry.meter("rate"));
  EXPECT_EQ(&registry.histogram("size"), &registry.histogram("size"));
}

TEST(MetricsTest, ANameTakenByAnotherTypeIsRefused) {
  MetricRegistry registry;
  registry.counter("x");
  try {
    registry.meter("x");
    FAIL() << "no error";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find("'x' is already registered as a counter"),
              std::string::npos)
        << e.what();
  }
}

TEST(MetricsTest, HistogramGivesCountMinMaxMeanAndPercentiles) {
  Histogram h;
  for (int i = 1; i <= 100; ++i) h.update(i);
  EXPECT_EQ(h.getCount(), 100);
  EXPECT_EQ(h.getSum(), 5050);
  const HistogramSnapshot s = h.getSnapshot();
  EXPECT_EQ(s.getMin(), 1);
  EXPECT_EQ(s.getMax(), 100);
  EXPECT_DOUBLE_EQ(s.getMean(), 50.5);
  EXPECT_NEAR(s.getMedian(), 50.5, 0.01);
  EXPECT_NEAR(s.get99thPercentile(), 99.99, 0.01);
}

TEST(MetricsTest, HistogramSnapshotKeepsTheLastValues) {
  Histogram h;
  for (size_t i = 0; i < Histogram::kReservoirSize; ++i) h.update(1);
  for (size_t i = 0; i < Histogram::kReservoirSize; ++i) h.update(7);
  EXPECT_EQ(h.getSnapshot().getMin(), 7);
  EXPECT_EQ(h.getCount(), static_cast<int64_t>(2 * Histogram::kReservoirSize));
}

TEST(MetricsTest, MeterRatesFollowTheClock) {
  std::atomic<int64_t> now{0};
  Meter m([&] { return now.load(); });
  EXPECT_EQ(m.getOneMinuteRate(), 0);
  // 60 events a second for 10 minutes, marked every second.
  for (int s = 0; s < 600; ++s) {
    m.mark(60);
    now += kSec;
  }
  EXPECT_EQ(m.getCount(), 36000);
  EXPECT_NEAR(m.getOneMinuteRate(), 60, 0.5);
  // The averages start from the first interval's rate and close in on 60.
  EXPECT_NEAR(m.getFiveMinuteRate(), 60, 3);
  EXPECT_NEAR(m.getMeanRate(), 60, 0.01);
  // Then nothing for 5 minutes: the 1-minute rate decays about e^-5.
  now += 300 * kSec;
  EXPECT_LT(m.getOneMinuteRate(), 60 * std::exp(-4.5));
  EXPECT_GT(m.getFifteenMinuteRate(), m.getFiveMinuteRate());
}

TEST(MetricsTest, RegistryReadsEveryMetricWithStormsValueNames) {
  std::atomic<int64_t> now{0};
  MetricRegistry registry([&] { return now.load(); });
  registry.counter("c").inc(2);
  registry.gauge("g", [] { return 1.5; });
  registry.gauge("broken", []() -> double { throw std::runtime_error("no"); });
  registry.histogram("h").update(3);
  registry.meter("m").mark(10);
  now += 10 * kSec;
  const std::vector<MetricReading> all = registry.Read();
  EXPECT_EQ(all.size(), 4u);  // not the broken gauge
  EXPECT_EQ(Find(all, "c").type, "counter");
  EXPECT_EQ(Find(all, "c").values.at("count"), 2);
  EXPECT_EQ(Find(all, "g").type, "gauge");
  EXPECT_EQ(Find(all, "g").values.at("value"), 1.5);
  const MetricReading h = Find(all, "h");
  EXPECT_EQ(h.type, "histogram");
  for (const char* v : {"count", "sum", "min", "max", "mean", "p50", "p75", "p95", "p98", "p99",
                        "p999"}) {
    EXPECT_EQ(h.values.count(v), 1u) << v;
  }
  const MetricReading m = Find(all, "m");
  EXPECT_EQ(m.type, "meter");
  EXPECT_EQ(m.values.at("count"), 10);
  EXPECT_DOUBLE_EQ(m.values.at("mean_rate"), 1.0);
  EXPECT_EQ(m.values.count("m1_rate"), 1u);
}

TEST(MetricsTest, UpdatedOnOneThreadWhileReadOnAnother) {
  MetricRegistry registry;
  Counter& c = registry.counter("c");
  Histogram& h = registry.histogram("h");
  std::thread writer([&] {
    for (int i = 0; i < 100000; ++i) {
      c.inc();
      if (i % 100 == 0) h.update(i);
    }
  });
  for (int i = 0; i < 100; ++i) registry.Read();
  writer.join();
  EXPECT_EQ(c.getCount(), 100000);
  EXPECT_EQ(h.getCount(), 1000);
}

}  // namespace
}  // namespace storm
