// The exposition every daemon's GET /metrics serves, checked by Prometheus's
// own tools: promtool's linter, and a real Prometheus server (Debian's
// package) that scrapes it and computes a rate from it.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "common/http/metrics_endpoint.h"
#include "support/prometheus_server.h"

namespace storm {
namespace {

using namespace std::chrono_literals;

metrics::MetricSet Sample(double count) {
  metrics::MetricSet set;
  set.AddCounter("storm_emit_count", "Tuples emitted, by stream.",
                 {{"topology", "wc-1-1"}, {"component", "split"}, {"stream", "default"},
                  {"task", "3"}, {"host", "h\"1"}, {"port", "6700"}},
                 count);
  set.AddGauge("storm_receive_queue_population", "Tuples waiting in the receive queue.",
               {{"component", "count"}}, 12);
  set.AddHistogram("storm_execute_latency_seconds", "Execute latency of sampled tuples.",
                   {{"component", "count"}}, {0.0001, 0.001, 0.01}, {5, 3, 1, 0}, 0.004);
  set.AddSummary("storm_user_line_length", "A user's histogram.", {{"task", "3"}},
                 {{0.5, 10}, {0.99, 80}}, 400, 20);
  return set;
}

TEST(PrometheusScrapeTest, PromtoolFindsNothingToSayAboutTheExposition) {
  const testing::CommandResult check = testing::CheckMetrics(Sample(5).RenderText());
  EXPECT_EQ(check.status, 0) << check.Describe();
  EXPECT_EQ(check.out + check.err, "") << check.Describe();
}

TEST(PrometheusScrapeTest, APrometheusServerScrapesItAndComputesARate) {
  std::atomic<int64_t> scrapes{0};
  http::Server server({.host = "127.0.0.1", .port = 0, .name = "metrics"});
  http::ServeMetrics(server, [&] { return Sample(static_cast<double>(1000 * ++scrapes)); });
  const int port = server.Start();

  testing::PrometheusServer prometheus({"127.0.0.1:" + std::to_string(port)});
  // A rate needs two scrapes in the window; scrapes come every second.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::vector<double> rate;
  while (std::chrono::steady_clock::now() < deadline) {
    rate = prometheus.QueryValues("rate(storm_emit_count_total{component=\"split\"}[10s])");
    if (!rate.empty() && rate[0] > 0) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_FALSE(rate.empty()) << prometheus.TargetsJson() << "\n" << prometheus.LogTail();
  EXPECT_GT(rate[0], 0);
  EXPECT_FALSE(prometheus.QueryValues("storm_execute_latency_seconds_bucket{le=\"0.001\"}").empty());
  EXPECT_EQ(prometheus.QueryValues("storm_receive_queue_population"), std::vector<double>{12});
}

}  // namespace
}  // namespace storm
