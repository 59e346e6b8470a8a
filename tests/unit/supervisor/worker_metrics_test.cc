#include "supervisor/worker_metrics.h"

#include <gtest/gtest.h>

#include <map>

#include "common/util/histogram.h"
#include "support/prometheus_server.h"

namespace storm {
namespace {

WorkerHeartbeat ABeat() {
  WorkerHeartbeat beat;
  beat.topology_id = "wc-1-1";
  beat.uptime_secs = 300;
  beat.process = ProcessStats{50'000'000, 12.5, 99};
  ExecutorBeatStats spout;
  spout.is_spout = true;
  spout.windows[kWindowAllTime].emitted = {{"default", 1000}};
  spout.windows[kWindowAllTime].transferred = {{"default", 2000}};
  spout.windows[kWindowAllTime].acked = {{{"", "default"}, 990}};
  spout.windows[kWindowAllTime].failure_causes = {4, 0, 0};
  spout.windows[kWindow10Min].complete_ms_avg = {{{"", "default"}, 25}};
  spout.queue = QueueStats{3, 1024, false};
  ExecutorBeatStats bolt;
  bolt.windows[kWindowAllTime].executed = {{{"spout", "default"}, 2000}};
  bolt.windows[kWindow10Min].executed = {{{"spout", "default"}, 60'000}};
  bolt.windows[kWindow10Min].execute_ms_avg = {{{"spout", "default"}, 2.5}};
  bolt.queue = QueueStats{900, 1024, true};
  // 2 tuples in bucket 0 (0 ns) and 3 in the bucket of 2.1 to 2.2 ms.
  bolt.latency_buckets["execute"] = {{0, 2}, {18 << LatencyHistogram::kSubBits, 3}};
  bolt.task_metrics = {{3, "words seen", "counter", {{"count", 77}}},
                       {3, "line-length", "histogram", {{"count", 4}, {"sum", 40}, {"p50", 9},
                                                         {"p99", 20}}},
                       {3, "rate", "meter", {{"count", 5}, {"m1_rate", 0.5}}}};
  beat.executor_stats = {{{1, 1}, spout}, {{2, 3}, bolt}};
  return beat;
}

const std::map<int, std::string> kComponents = {{1, "spout"}, {2, "count"}, {3, "count"}};

std::string Render(const WorkerHeartbeat& beat) {
  metrics::MetricSet set;
  AddWorkerMetrics(
      beat,
      [](int task) {
        auto it = kComponents.find(task);
        return it == kComponents.end() ? nullptr : &it->second;
      },
      {"wc-1-1", "host-a", 6700}, set);
  return set.RenderText();
}

TEST(WorkerMetricsTest, CountsAreLabelledByTopologyComponentStreamTaskHostAndPort) {
  const std::string text = Render(ABeat());
  EXPECT_NE(text.find("storm_emit_count_total{topology=\"wc-1-1\",component=\"spout\",task=\"1\","
                      "host=\"host-a\",port=\"6700\",stream=\"default\"} 1000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_execute_count_total{topology=\"wc-1-1\",component=\"count\","
                      "task=\"2-3\",host=\"host-a\",port=\"6700\",stream=\"default\","
                      "source_component=\"spout\"} 2000\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cause=\"timed_out\"} 4\n"), std::string::npos) << text;
}

TEST(WorkerMetricsTest, CapacityQueueBackpressureAndWorkerProcess) {
  const std::string text = Render(ABeat());
  // 60000 executed x 2.5 ms over min(600 s, 300 s uptime) = 0.5.
  EXPECT_NE(text.find("storm_capacity{topology=\"wc-1-1\",component=\"count\",task=\"2-3\","
                      "host=\"host-a\",port=\"6700\"} 0.5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_backpressure{topology=\"wc-1-1\",component=\"count\""),
            std::string::npos);
  EXPECT_NE(text.find("storm_receive_queue_population{topology=\"wc-1-1\",component=\"count\","
                      "task=\"2-3\",host=\"host-a\",port=\"6700\"} 900\n"),
            std::string::npos);
  EXPECT_NE(text.find("storm_worker_resident_memory_bytes{topology=\"wc-1-1\",host=\"host-a\","
                      "port=\"6700\"} 50000000\n"),
            std::string::npos);
  EXPECT_NE(text.find("storm_complete_latency_seconds_avg{"), std::string::npos);
}

TEST(WorkerMetricsTest, LatencyHistogramsHaveCumulativeBucketsInSeconds) {
  const std::string text = Render(ABeat());
  const std::string labels =
      "topology=\"wc-1-1\",component=\"count\",task=\"2-3\",host=\"host-a\",port=\"6700\"";
  EXPECT_NE(text.find("storm_execute_latency_seconds_bucket{" + labels + ",le=\"0.0001\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_execute_latency_seconds_bucket{" + labels + ",le=\"0.0025\"} 5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_execute_latency_seconds_count{" + labels + "} 5\n"),
            std::string::npos)
      << text;
}

TEST(WorkerMetricsTest, UserMetricsShowPerTask) {
  const std::string text = Render(ABeat());
  EXPECT_NE(text.find("storm_user_words_seen_total{topology=\"wc-1-1\",component=\"count\","
                      "task=\"3\",host=\"host-a\",port=\"6700\"} 77\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_user_line_length{topology=\"wc-1-1\",component=\"count\",task=\"3\","
                      "host=\"host-a\",port=\"6700\",quantile=\"0.99\"} 20\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storm_user_rate_m1_rate{"), std::string::npos) << text;
}

TEST(WorkerMetricsTest, PromtoolAcceptsTheExposition) {
  const testing::CommandResult check = testing::CheckMetrics(Render(ABeat()));
  EXPECT_EQ(check.status, 0) << check.Describe();
  EXPECT_EQ(check.out + check.err, "") << check.Describe();
}

TEST(WorkerMetricsTest, ExecutorsOfUnknownTasksAreSkipped) {
  WorkerHeartbeat beat = ABeat();
  beat.executor_stats = {{{42, 42}, ExecutorBeatStats{}}};
  EXPECT_EQ(Render(beat).find("task=\"42\""), std::string::npos);
}

}  // namespace
}  // namespace storm
