// The UI's pages through the Nimbus library: a topology, a component and a
// supervisor, from heartbeats the test writes (Storm's getTopologyPageInfo,
// getComponentPageInfo, getSupervisorPageInfo).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

TEST_F(NimbusTest, TopologyPageAggregatesComponentsWindowsAndWorkers) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(600);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 600);
  state_->ReportError(id, "count", ErrorRecordInfo{"old", UnixSecs(), "host-a", 6700});
  state_->ReportError(id, "count", ErrorRecordInfo{"newest", UnixSecs(), "host-a", 6700});

  const TopologyPage page = nimbus_->GetTopologyPage(id, "600", false);
  EXPECT_EQ(page.summary.name, "words");
  EXPECT_EQ(page.summary.status, "ACTIVE");
  EXPECT_EQ(page.summary.num_workers, 3);
  EXPECT_EQ(page.summary.num_executors, 9);
  EXPECT_EQ(page.summary.num_tasks, 11);
  EXPECT_EQ(page.summary.uptime_secs, 600);
  EXPECT_NE(page.conf_json.find("\"topology.name\":\"words\""), std::string::npos)
      << page.conf_json;

  ASSERT_EQ(page.spouts.size(), 1u);
  const ComponentAggStats& spout = page.spouts.at("spout");
  EXPECT_EQ(spout.num_executors, 2);
  EXPECT_EQ(spout.num_tasks, 2);
  EXPECT_EQ(spout.acked, 200);
  EXPECT_EQ(spout.emitted, 200);  // not the __ack_init stream
  EXPECT_DOUBLE_EQ(spout.complete_latency_ms, 10);
  ASSERT_EQ(page.bolts.size(), 2u) << "the acker is a system component";
  const ComponentAggStats& split = page.bolts.at("split");
  EXPECT_EQ(split.num_executors, 2);
  EXPECT_EQ(split.num_tasks, 4);
  EXPECT_EQ(split.executed, 4000);
  EXPECT_DOUBLE_EQ(split.execute_latency_ms, 2);
  EXPECT_DOUBLE_EQ(split.process_latency_ms, 3);
  // Each split executor: 2000 tuples * 2 ms in 600 s.
  EXPECT_DOUBLE_EQ(split.capacity, 2000 * 2.0 / 600000);
  ASSERT_TRUE(page.bolts.at("count").last_error);
  EXPECT_EQ(page.bolts.at("count").last_error->error, "newest");
  EXPECT_FALSE(split.last_error);

  ASSERT_EQ(page.windows.size(), 4u);
  EXPECT_EQ(page.windows.at("600").acked, 200);
  EXPECT_EQ(page.windows.at(":all-time").acked, 2000);
  EXPECT_EQ(page.windows.at("86400").acked, 0);
  EXPECT_DOUBLE_EQ(page.windows.at("600").complete_latency_ms, 10);

  ASSERT_EQ(page.workers.size(), 3u);
  int executors = 0;
  for (const WorkerSummaryInfo& w : page.workers) {
    executors += w.num_executors;
    EXPECT_EQ(w.topology_id, id);
    EXPECT_EQ(w.topology_name, "words");
    EXPECT_EQ(w.host, w.supervisor_id == "sup-a" ? "host-a" : "host-b");
    EXPECT_EQ(w.uptime_secs, 600);
    ASSERT_TRUE(w.process);
    EXPECT_EQ(w.process->pid, 4242);
    EXPECT_EQ(w.component_to_num_tasks.count(kAckerComponentId), 0u);
  }
  EXPECT_EQ(executors, 9);
  EXPECT_FALSE(page.debug);

  // With the system components, and another window.
  const TopologyPage sys = nimbus_->GetTopologyPage(id, ":all-time", true);
  EXPECT_EQ(sys.bolts.count(kAckerComponentId), 1u);
  EXPECT_EQ(sys.spouts.at("spout").acked, 2000);
  EXPECT_EQ(sys.spouts.at("spout").emitted, 4000);
  EXPECT_EQ(nimbus_->GetTopologyPage(id, "bogus", false).spouts.at("spout").acked, 2000);
}

TEST_F(NimbusTest, TopologyPageOfAnUnknownTopologyIsNotAlive) {
  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->GetTopologyPage("nope-1-1", "600", false); })
                .find("nope-1-1"),
            std::string::npos);
}

TEST_F(NimbusTest, ComponentPageOfABoltHasStreamsExecutorsAndErrors) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(600);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 600);
  for (int i = 0; i < 3; ++i) {
    state_->ReportError(id, "split",
                        ErrorRecordInfo{"boom " + std::to_string(i), UnixSecs() + i, "host-b", 6700});
  }
  const ComponentPage page = nimbus_->GetComponentPage(id, "split", "600", false);
  EXPECT_EQ(page.component_id, "split");
  EXPECT_FALSE(page.is_spout);
  EXPECT_EQ(page.topology_name, "words");
  EXPECT_EQ(page.topology_status, "ACTIVE");
  EXPECT_EQ(page.num_executors, 2);
  EXPECT_EQ(page.num_tasks, 4);
  ASSERT_EQ(page.windows.size(), 4u);
  EXPECT_EQ(page.windows.at("600").executed, 4000);
  EXPECT_EQ(page.windows.at(":all-time").executed, 40000);
  ASSERT_EQ(page.input_streams.size(), 1u);
  EXPECT_EQ(page.input_streams.begin()->first, (StatsStreamId{"spout", "default"}));
  EXPECT_EQ(page.input_streams.begin()->second.executed, 4000);
  EXPECT_TRUE(page.output_streams.empty());  // this test's split emits nothing
  ASSERT_EQ(page.executors.size(), 2u);
  for (const ExecutorAggInfo& e : page.executors) {
    EXPECT_EQ(e.stats.num_executors, 1);
    EXPECT_EQ(e.stats.executed, 2000);
    EXPECT_EQ(e.summary.component, "split");
  }
  ASSERT_EQ(page.errors.size(), 3u);
  EXPECT_EQ(page.errors.back().error, "boom 2");  // newest last
  EXPECT_EQ(page.eventlog_host, page.executors[0].summary.host);
  EXPECT_EQ(page.eventlog_port, page.executors[0].summary.port);
  EXPECT_NE(page.eventlog_port, 0);
}

TEST_F(NimbusTest, ComponentPageOfASpoutHasItsOutputStreams) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(60);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 60);
  const ComponentPage page = nimbus_->GetComponentPage(id, "spout", ":all-time", false);
  EXPECT_TRUE(page.is_spout);
  EXPECT_TRUE(page.input_streams.empty());
  ASSERT_EQ(page.output_streams.size(), 1u);
  EXPECT_EQ(page.output_streams.at("default").acked, 2000);
  EXPECT_DOUBLE_EQ(page.output_streams.at("default").complete_latency_ms, 10);
  EXPECT_EQ(nimbus_->GetComponentPage(id, "spout", ":all-time", true).output_streams.size(), 2u);
  EXPECT_EQ(nimbus_->GetComponentPage(id, kAckerComponentId, "600", true).num_executors, 3);
}

TEST_F(NimbusTest, ComponentPageNamesAnUnknownComponentOrTopology) {
  const std::string id = Submit("words");
  const std::string error =
      ErrorOf<NotAliveError>([&] { nimbus_->GetComponentPage(id, "nope", "600", false); });
  EXPECT_NE(error.find("'nope'"), std::string::npos) << error;
  EXPECT_NE(ErrorOf<NotAliveError>([&] {
              nimbus_->GetComponentPage("gone-1-1", "split", "600", false);
            }).find("gone-1-1"),
            std::string::npos);
}

TEST_F(NimbusTest, SupervisorPageListsItsWorkersByIdOrHost) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(30);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 30);
  const SupervisorPage a = nimbus_->GetSupervisorPage("sup-a", "", false);
  ASSERT_EQ(a.supervisors.size(), 1u);
  EXPECT_EQ(a.supervisors[0].info.hostname, "host-a");
  EXPECT_EQ(a.supervisors[0].num_used_workers, 2);
  ASSERT_EQ(a.workers.size(), 2u);
  for (const auto& w : a.workers) {
    EXPECT_EQ(w.supervisor_id, "sup-a");
    EXPECT_EQ(w.topology_id, id);
  }
  AddSupervisor("sup-c", "host-a", {6700});
  const SupervisorPage host = nimbus_->GetSupervisorPage("", "host-a", false);
  EXPECT_EQ(host.supervisors.size(), 2u);
  EXPECT_EQ(host.workers.size(), 2u);
  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->GetSupervisorPage("sup-x", "", false); })
                .find("sup-x"),
            std::string::npos);
  EXPECT_NE(ErrorOf<NotAliveError>([&] { nimbus_->GetSupervisorPage("", "host-x", false); })
                .find("host-x"),
            std::string::npos);
}

TEST_F(NimbusTest, PagesOfATopologyWithoutHeartbeatsShowZeros) {
  const std::string id = Submit("words");
  const TopologyPage page = nimbus_->GetTopologyPage(id, "600", false);
  EXPECT_EQ(page.spouts.at("spout").acked, 0);
  EXPECT_EQ(page.bolts.at("split").capacity, 0);
  for (const auto& w : page.workers) EXPECT_FALSE(w.process);
}

}  // namespace
}  // namespace storm::testing
