// Storm's stats aggregation (nimbus/stats_aggregation.h): what the UI shows
// for a component, a stream and a topology from the executors' windowed
// per-stream stats.
#include "nimbus/stats_aggregation.h"

#include <gtest/gtest.h>

namespace storm {
namespace {

const StatsStreamId kSpoutDefault{"", "default"};
const StatsStreamId kFromSpout{"spout", "default"};
const StatsStreamId kTick{"__system", "__tick"};

ExecutorSummaryInfo Executor(ExecutorId id, const std::string& component, int64_t uptime,
                             bool is_spout) {
  ExecutorSummaryInfo e;
  e.executor = id;
  e.component = component;
  e.uptime_secs = uptime;
  e.stats = ExecutorBeatStats{};
  e.stats->is_spout = is_spout;
  return e;
}

// A spout executor: `acked` trees at `complete_ms` on "default" in `window`.
ExecutorSummaryInfo Spout(ExecutorId id, int64_t acked, double complete_ms,
                          const std::string& window = kWindow10Min) {
  ExecutorSummaryInfo e = Executor(id, "spout", 1000, true);
  WindowStats& w = e.stats->windows[window];
  w.emitted["default"] = acked * 2;
  w.transferred["default"] = acked * 2;
  w.emitted["__ack_init"] = acked;
  w.transferred["__ack_init"] = acked;
  w.acked[kSpoutDefault] = acked;
  w.failed[kSpoutDefault] = 1;
  w.complete_ms_avg[kSpoutDefault] = complete_ms;
  return e;
}

// A bolt executor that executed `executed` tuples from the spout at
// `execute_ms` each, acked `acked` of them at `process_ms`.
ExecutorSummaryInfo Bolt(ExecutorId id, int64_t executed, double execute_ms, int64_t acked,
                         double process_ms, int64_t uptime = 1000) {
  ExecutorSummaryInfo e = Executor(id, "bolt", uptime, false);
  WindowStats& w = e.stats->windows[kWindow10Min];
  w.emitted["default"] = executed;
  w.transferred["default"] = executed;
  w.executed[kFromSpout] = executed;
  w.execute_ms_avg[kFromSpout] = execute_ms;
  w.acked[kFromSpout] = acked;
  w.process_ms_avg[kFromSpout] = process_ms;
  return e;
}

TEST(StatsAggregationTest, SpoutCompleteLatencyIsWeightedByAcked) {
  const auto stats = AggregateComponent({Spout({1, 1}, 100, 10.0), Spout({2, 3}, 300, 30.0)},
                                        true, kWindow10Min, false);
  EXPECT_TRUE(stats.is_spout);
  EXPECT_EQ(stats.num_executors, 2);
  EXPECT_EQ(stats.num_tasks, 3);
  EXPECT_EQ(stats.acked, 400);
  EXPECT_EQ(stats.failed, 2);
  EXPECT_DOUBLE_EQ(stats.complete_latency_ms, (100 * 10.0 + 300 * 30.0) / 400);
  // The __ack_init stream is a system stream: not counted unless asked.
  EXPECT_EQ(stats.emitted, 800);
  EXPECT_EQ(stats.transferred, 800);
  EXPECT_EQ(AggregateComponent({Spout({1, 1}, 100, 10.0)}, true, kWindow10Min, true).emitted, 300);
}

TEST(StatsAggregationTest, BoltLatenciesAreWeightedByExecutedAndAcked) {
  const auto stats = AggregateComponent(
      {Bolt({1, 1}, 100, 2.0, 50, 4.0), Bolt({2, 2}, 300, 6.0, 150, 8.0)}, false, kWindow10Min,
      false);
  EXPECT_FALSE(stats.is_spout);
  EXPECT_EQ(stats.executed, 400);
  EXPECT_EQ(stats.acked, 200);
  EXPECT_DOUBLE_EQ(stats.execute_latency_ms, (100 * 2.0 + 300 * 6.0) / 400);
  EXPECT_DOUBLE_EQ(stats.process_latency_ms, (50 * 4.0 + 150 * 8.0) / 200);
}

TEST(StatsAggregationTest, CapacityIsTheBusiestExecutorsShareOfTheLastTenMinutes) {
  // 60000 tuples at 5 ms in 600 s: busy half the time.
  ExecutorSummaryInfo half = Bolt({1, 1}, 60000, 5.0, 0, 0);
  EXPECT_DOUBLE_EQ(ExecutorCapacity(half), 0.5);
  // Up for 100 s only: the same work in 100 s is three times its time.
  ExecutorSummaryInfo young = Bolt({2, 2}, 60000, 5.0, 0, 0, 100);
  EXPECT_DOUBLE_EQ(ExecutorCapacity(young), 3.0);
  EXPECT_DOUBLE_EQ(AggregateComponent({half, young}, false, kWindowAllTime, false).capacity, 3.0);
  // Not up yet, or no stats: 0, not a division by zero.
  EXPECT_EQ(ExecutorCapacity(Bolt({3, 3}, 10, 1.0, 0, 0, 0)), 0);
  ExecutorSummaryInfo silent = Executor({4, 4}, "bolt", 100, false);
  silent.stats.reset();
  EXPECT_EQ(ExecutorCapacity(silent), 0);
  // Capacity reads the 600 window whatever window is shown.
  EXPECT_DOUBLE_EQ(AggregateComponent({half}, false, kWindow1Day, false).capacity, 0.5);
}

TEST(StatsAggregationTest, WindowsAreKeptApartAndAnUnknownWindowReadsAllTime) {
  ExecutorSummaryInfo e = Spout({1, 1}, 10, 1.0, kWindow10Min);
  e.stats->windows[kWindowAllTime].acked[kSpoutDefault] = 1000;
  EXPECT_EQ(AggregateComponent({e}, true, kWindow10Min, false).acked, 10);
  EXPECT_EQ(AggregateComponent({e}, true, kWindowAllTime, false).acked, 1000);
  EXPECT_EQ(AggregateComponent({e}, true, kWindow3Hours, false).acked, 0);
  EXPECT_EQ(AggregateComponent({e}, true, "no-such-window", false).acked, 1000);
  EXPECT_EQ(NormalizeWindow("10800"), "10800");
  EXPECT_EQ(NormalizeWindow(""), ":all-time");
}

TEST(StatsAggregationTest, SystemInputStreamsCountOnlyWhenAsked) {
  ExecutorSummaryInfo e = Bolt({1, 1}, 100, 1.0, 100, 1.0);
  WindowStats& w = e.stats->windows[kWindow10Min];
  w.executed[kTick] = 5;
  w.execute_ms_avg[kTick] = 1.0;
  EXPECT_EQ(AggregateComponent({e}, false, kWindow10Min, false).executed, 100);
  EXPECT_EQ(AggregateComponent({e}, false, kWindow10Min, true).executed, 105);
  EXPECT_EQ(AggregateInputStreams({e}, kWindow10Min, false).size(), 1u);
  EXPECT_EQ(AggregateInputStreams({e}, kWindow10Min, true).size(), 2u);
}

TEST(StatsAggregationTest, TopologyTotalsTakeAckedAndLatencyFromSpoutsOnly) {
  const std::vector<ExecutorSummaryInfo> executors = {
      Spout({1, 1}, 100, 10.0), Spout({2, 2}, 100, 20.0), Bolt({3, 3}, 200, 1.0, 200, 1.0)};
  const std::map<std::string, bool> is_spout = {{"spout", true}, {"bolt", false}};
  const TopologyWindowTotals t = AggregateTopology(executors, is_spout, kWindow10Min, false);
  EXPECT_EQ(t.acked, 200);  // the bolt's 200 acks are not tuple trees
  EXPECT_EQ(t.failed, 2);
  EXPECT_DOUBLE_EQ(t.complete_latency_ms, 15.0);
  EXPECT_EQ(t.emitted, 200 * 2 + 200);
  EXPECT_EQ(t.transferred, 200 * 2 + 200);
  EXPECT_EQ(AggregateTopology(executors, is_spout, kWindow10Min, true).emitted, 200 * 3 + 200);
}

TEST(StatsAggregationTest, StreamsOfASpoutAndABolt) {
  const auto out = AggregateOutputStreams({Spout({1, 1}, 100, 10.0), Spout({2, 2}, 100, 30.0)},
                                          true, kWindow10Min, false);
  ASSERT_EQ(out.size(), 1u);  // not __ack_init
  const ComponentAggStats& d = out.at("default");
  EXPECT_EQ(d.emitted, 400);
  EXPECT_EQ(d.acked, 200);
  EXPECT_DOUBLE_EQ(d.complete_latency_ms, 20.0);
  EXPECT_EQ(AggregateOutputStreams({Spout({1, 1}, 1, 1)}, true, kWindow10Min, true).size(), 2u);

  const auto in = AggregateInputStreams(
      {Bolt({1, 1}, 100, 2.0, 100, 4.0), Bolt({2, 2}, 100, 4.0, 100, 8.0)}, kWindow10Min, false);
  ASSERT_EQ(in.size(), 1u);
  const ComponentAggStats& s = in.at(kFromSpout);
  EXPECT_EQ(s.executed, 200);
  EXPECT_DOUBLE_EQ(s.execute_latency_ms, 3.0);
  EXPECT_DOUBLE_EQ(s.process_latency_ms, 6.0);
}

TEST(StatsAggregationTest, SystemIds) {
  EXPECT_TRUE(IsSystemId("__acker"));
  EXPECT_TRUE(IsSystemId("__ack_init"));
  EXPECT_FALSE(IsSystemId("_one"));
  EXPECT_FALSE(IsSystemId("split"));
}

}  // namespace
}  // namespace storm
