#include "common/util/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace storm {
namespace {

// The exact value at quantile q under the histogram's rank convention:
// rank floor(q * (n - 1)) + 1 of the sorted samples.
int64_t ExactPercentile(std::vector<int64_t> sorted, double q) {
  std::sort(sorted.begin(), sorted.end());
  return sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1))];
}

// Log-normal latencies around 50us with a long tail, as a real run has.
std::vector<int64_t> LatencySamples(uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(50000.0), 1.5);
  std::vector<int64_t> samples;
  for (int i = 0; i < n; ++i) samples.push_back(static_cast<int64_t>(dist(rng)));
  return samples;
}

TEST(HistogramTest, PercentilesAreWithinSevenPercentOfExactOnRandomData) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const std::vector<int64_t> samples = LatencySamples(seed, 100000);
    LatencyHistogram h;
    for (int64_t v : samples) h.Record(v);
    for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
      const double exact = static_cast<double>(ExactPercentile(samples, q));
      const double got = static_cast<double>(h.Percentile(q));
      EXPECT_NEAR(got, exact, exact * 0.07) << "seed " << seed << " q " << q;
    }
  }
}

TEST(HistogramTest, PercentileNeverUnderReports) {
  // The histogram reports a bucket's upper bound, so it errs high.
  const std::vector<int64_t> samples = LatencySamples(9, 20000);
  LatencyHistogram h;
  for (int64_t v : samples) h.Record(v);
  for (double q : {0.25, 0.5, 0.75, 0.95, 0.99}) {
    EXPECT_GE(h.Percentile(q), ExactPercentile(samples, q)) << q;
  }
}

TEST(HistogramTest, UniformDataAcrossManyMagnitudesStaysWithinPrecision) {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int64_t> dist(1, int64_t{1} << 40);
  std::vector<int64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 50000; ++i) {
    samples.push_back(dist(rng));
    h.Record(samples.back());
  }
  for (double q : {0.01, 0.5, 0.99}) {
    const double exact = static_cast<double>(ExactPercentile(samples, q));
    EXPECT_NEAR(static_cast<double>(h.Percentile(q)), exact, exact * 0.07) << q;
  }
}

TEST(HistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int64_t v = 0; v < 16; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(0.0), 0);
  EXPECT_EQ(h.Percentile(1.0), 15);
  EXPECT_EQ(h.Percentile(0.5), 7);
}

TEST(HistogramTest, EmptyHistogramReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Percentile(0.5), 0);
}

TEST(HistogramTest, NegativeLatenciesCountAsZero) {
  LatencyHistogram h;
  h.Record(-5);
  EXPECT_EQ(h.Count(), 1u);
  EXPECT_EQ(h.Percentile(1.0), 0);
}

TEST(HistogramTest, MergeAddsCountsAndResetClears) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 100; ++i) a.Record(1000);
  for (int i = 0; i < 300; ++i) b.Record(1000000);
  a.Merge(b);
  EXPECT_EQ(a.Count(), 400u);
  EXPECT_NEAR(static_cast<double>(a.Percentile(0.1)), 1000.0, 70.0);
  EXPECT_NEAR(static_cast<double>(a.Percentile(0.9)), 1e6, 7e4);
  a.Reset();
  EXPECT_EQ(a.Count(), 0u);
}

TEST(HistogramTest, MeanWeighsEveryValue) {
  LatencyHistogram h;
  EXPECT_EQ(h.MeanNanos(), 0.0);
  for (int i = 0; i < 3; ++i) h.Record(1000);
  h.Record(1000000);
  EXPECT_NEAR(h.MeanNanos(), (3 * 1000.0 + 1e6) / 4, 0.07 * (3 * 1000.0 + 1e6) / 4);
}

// A garbage timestamp saturates at INT64_MAX instead of wrapping negative.
TEST(HistogramTest, HugeValuesReportAPositivePercentile) {
  LatencyHistogram h;
  h.Record(std::numeric_limits<int64_t>::max());
  EXPECT_GT(h.Percentile(1.0), 0);
}

}  // namespace
}  // namespace storm
