// What Nimbus reports about the cluster and a topology: the summaries the
// CLI and the UI show (topologies, supervisors, Nimbuses, executors with
// their stats, the last errors).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

// ---- Summaries ---------------------------------------------------------------------------------

TEST_F(NimbusTest, ClusterInfoReportsTopologiesSupervisorsAndNimbuses) {
  const int64_t launch = UnixSecs();
  const std::string id = Submit("words");
  nimbus_->Deactivate("words");
  clock_.AdvanceSecs(42);
  const ClusterSummaryInfo info = nimbus_->GetClusterInfo();
  ASSERT_EQ(info.topologies.size(), 1u);
  const TopologySummaryInfo& t = info.topologies[0];
  EXPECT_EQ(t.id, id);
  EXPECT_EQ(t.name, "words");
  EXPECT_EQ(t.status, "INACTIVE");
  EXPECT_EQ(t.num_workers, 3);
  EXPECT_EQ(t.num_executors, 9);
  EXPECT_EQ(t.num_tasks, 11);
  EXPECT_EQ(t.uptime_secs, UnixSecs() - launch);
  EXPECT_EQ(t.uptime_secs, 42);

  ASSERT_EQ(info.supervisors.size(), 2u);
  int used = 0;
  for (const auto& s : info.supervisors) {
    EXPECT_EQ(s.info.slots.size(), 3u);
    used += s.num_used_workers;
    EXPECT_EQ(s.num_used_workers, s.info.id == "sup-a" ? 2 : 1) << s.info.id;
  }
  EXPECT_EQ(used, 3);
  ASSERT_EQ(info.nimbuses.size(), 1u);
  EXPECT_EQ(info.nimbuses[0].host, "nimbus-host");
  EXPECT_EQ(info.nimbuses[0].port, 6627);
  EXPECT_TRUE(info.nimbuses[0].is_leader);
}

TEST_F(NimbusTest, TopologyInfoReportsExecutorsStatsAndErrors) {
  const int64_t launch = UnixSecs();
  const std::string id = Submit("words");
  const Assignment a = AssignmentOf(id);
  // One worker reports stats for its executors.
  const auto by_slot = BySlot(a);
  const WorkerSlot reporting = by_slot.begin()->first;
  WorkerHeartbeat hb{id, UnixSecs(), 5, {}, {}};
  for (const ExecutorId& e : by_slot.begin()->second) {
    ExecutorBeatStats s;
    s.windows[kWindowAllTime].emitted["default"] = 100 + e.first;
    hb.executor_stats[e] = s;
  }
  state_->SetWorkerHeartbeat(id, reporting, hb);
  for (int i = 0; i < 12; ++i) {
    state_->ReportError(id, "split",
                        ErrorRecordInfo{"boom " + std::to_string(i), UnixSecs(), "host-a", 6700});
  }
  clock_.AdvanceSecs(10);

  const TopologyDetails d = nimbus_->GetTopologyInfo(id);
  EXPECT_EQ(d.summary.id, id);
  EXPECT_EQ(d.summary.name, "words");
  EXPECT_EQ(d.summary.status, "ACTIVE");
  EXPECT_EQ(d.summary.num_workers, 3);
  EXPECT_EQ(d.summary.num_executors, 9);
  EXPECT_EQ(d.summary.num_tasks, 11);
  EXPECT_EQ(d.summary.uptime_secs, UnixSecs() - launch);
  ASSERT_EQ(d.executors.size(), 9u);
  std::map<std::string, int> per_component;
  int with_stats = 0;
  for (const ExecutorSummaryInfo& e : d.executors) {
    ++per_component[e.component];
    const WorkerSlot& slot = a.executor_slot.at(e.executor);
    EXPECT_EQ(e.port, slot.port);
    EXPECT_EQ(e.host, slot.node == "sup-a" ? "host-a" : "host-b");
    EXPECT_EQ(e.uptime_secs, 10);
    if (slot == reporting) {
      ASSERT_TRUE(e.stats);
      EXPECT_EQ(e.stats->AllTime().Emitted(), 100 + e.executor.first);
      ++with_stats;
    } else {
      EXPECT_FALSE(e.stats);
    }
  }
  EXPECT_EQ(with_stats, static_cast<int>(by_slot.begin()->second.size()));
  EXPECT_EQ(per_component,
            (std::map<std::string, int>{{"__acker", 3}, {"count", 2}, {"spout", 2}, {"split", 2}}));
  ASSERT_EQ(d.errors.size(), 1u);
  ASSERT_EQ(d.errors.at("split").size(), 10u);
  EXPECT_EQ(d.errors.at("split").back().error, "boom 11");
}

}  // namespace
}  // namespace storm::testing
