#include "common/metrics/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace storm::metrics {
namespace {

TEST(PrometheusTest, RendersFamiliesWithHelpTypeAndLabelledSamples) {
  MetricSet set;
  set.AddCounter("storm_emit_count", "Tuples emitted.",
                 {{"topology", "words-1-1"}, {"component", "split"}, {"stream", "default"}}, 42);
  set.AddCounter("storm_emit_count_total", "Tuples emitted.", {{"component", "count"}}, 7);
  set.AddGauge("storm_capacity", "Busy fraction.", {}, 0.25);
  EXPECT_EQ(set.RenderText(),
            "# HELP storm_emit_count_total Tuples emitted.\n"
            "# TYPE storm_emit_count_total counter\n"
            "storm_emit_count_total{topology=\"words-1-1\",component=\"split\",stream=\"default\"} 42\n"
            "storm_emit_count_total{component=\"count\"} 7\n"
            "# HELP storm_capacity Busy fraction.\n"
            "# TYPE storm_capacity gauge\n"
            "storm_capacity 0.25\n");
}

TEST(PrometheusTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricSet set;
  set.AddHistogram("lat_seconds", "Latency.", {{"c", "x"}}, {0.001, 0.01}, {2, 3, 1}, 0.5);
  EXPECT_EQ(set.RenderText(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{c=\"x\",le=\"0.001\"} 2\n"
            "lat_seconds_bucket{c=\"x\",le=\"0.01\"} 5\n"
            "lat_seconds_bucket{c=\"x\",le=\"+Inf\"} 6\n"
            "lat_seconds_sum{c=\"x\"} 0.5\n"
            "lat_seconds_count{c=\"x\"} 6\n");
  EXPECT_THROW(set.AddHistogram("h", "", {}, {1.0}, {1}, 0), std::invalid_argument);
}

TEST(PrometheusTest, SummaryHasQuantileLabels) {
  MetricSet set;
  set.AddSummary("size", "Sizes.", {}, {{0.5, 3}, {0.99, 9.5}}, 30, 10);
  EXPECT_EQ(set.RenderText(),
            "# HELP size Sizes.\n# TYPE size summary\n"
            "size{quantile=\"0.5\"} 3\nsize{quantile=\"0.99\"} 9.5\n"
            "size_sum 30\nsize_count 10\n");
}

TEST(PrometheusTest, NamesAreSanitizedAndLabelValuesEscaped) {
  EXPECT_EQ(SanitizeMetricName("words-seen.per task"), "words_seen_per_task");
  EXPECT_EQ(SanitizeMetricName("9lives"), "_9lives");
  EXPECT_EQ(SanitizeMetricName("a:b"), "a:b");
  EXPECT_EQ(SanitizeLabelName("a:b"), "a_b");
  EXPECT_EQ(SanitizeMetricName(""), "_");
  MetricSet set;
  set.AddGauge("g", "line\\one\ntwo", {{"v", "say \"hi\"\\\n"}}, 1);
  EXPECT_EQ(set.RenderText(),
            "# HELP g line\\\\one\\ntwo\n# TYPE g gauge\ng{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST(PrometheusTest, SpecialValuesUseTheFormatsSpelling) {
  MetricSet set;
  set.AddGauge("g", "", {{"k", "a"}}, std::numeric_limits<double>::infinity());
  set.AddGauge("g", "", {{"k", "b"}}, std::nan(""));
  set.AddGauge("g", "", {{"k", "c"}}, 1e20);
  const std::string text = set.RenderText();
  EXPECT_NE(text.find("g{k=\"a\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{k=\"b\"} NaN\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g{k=\"c\"} 1e+20\n"), std::string::npos) << text;
}

TEST(PrometheusTest, MergeGroupsSamplesUnderOneFamilyAndSkipsTypeClashes) {
  MetricSet a;
  a.AddCounter("emitted", "E.", {{"port", "6700"}}, 1);
  MetricSet b;
  b.AddCounter("emitted", "E.", {{"port", "6701"}}, 2);
  b.AddGauge("queue", "Q.", {}, 3);
  MetricSet c;
  c.AddGauge("emitted_total", "clash", {}, 9);
  EXPECT_TRUE(a.Merge(b).empty());
  EXPECT_EQ(a.Merge(c), std::vector<std::string>{"emitted_total"});
  ASSERT_EQ(a.families().size(), 2u);
  EXPECT_EQ(a.families()[0].samples.size(), 2u);
  EXPECT_EQ(a.RenderText().find("# TYPE emitted_total"), a.RenderText().rfind("# TYPE emitted_total"));
}

TEST(PrometheusTest, RoundTripsThroughJsonAndRefusesGarbage) {
  MetricSet set;
  set.AddCounter("c", "C.", {{"a", "1"}}, 5);
  set.AddHistogram("h", "H.", {}, {1}, {1, 1}, 2);
  EXPECT_EQ(MetricSet::FromJson(set.ToJson()).families(), set.families());
  EXPECT_THROW(MetricSet::FromJson(nlohmann::json::object()), std::invalid_argument);
  EXPECT_THROW(MetricSet::FromJson(nlohmann::json::parse(R"([{"name":"x"}])")),
               std::invalid_argument);
  EXPECT_THROW(MetricSet::FromJson(nlohmann::json::parse(
                   R"([{"name":"x","help":"","type":"bogus","samples":[]}])")),
               std::invalid_argument);
}

}  // namespace
}  // namespace storm::metrics
