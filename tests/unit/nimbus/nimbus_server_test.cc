// Nimbus's Thrift service as a client sees it: the UI's page methods with
// Storm's structs, and the exceptions the IDL declares (NimbusServer on a
// free port over the in-process Nimbus of the fixture, a NimbusClient).
#include "nimbus/nimbus_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/client/nimbus_client.h"
#include "common/topology/topology_thrift.h"
#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

class NimbusServerTest : public NimbusTest {
 protected:
  void SetUp() override {
    NimbusTest::SetUp();
    server_ = std::make_unique<NimbusServer>(*nimbus_, conf_, "127.0.0.1", 0);
    server_->Start();
    Config client_conf = conf_;
    client_conf.put(Config::kNimbusSeeds, std::vector<std::string>{"127.0.0.1"});
    client_conf.put(Config::kNimbusThriftPort, server_->port());
    client_ = NimbusClient::Connect(client_conf);
  }
  void TearDown() override {
    client_.reset();
    server_->Stop();
  }
  gen::NimbusClient& api() { return client_->api(); }

  std::unique_ptr<NimbusServer> server_;
  std::unique_ptr<NimbusClient> client_;
};

TEST_F(NimbusServerTest, TopologyPageInfoCarriesStormsFields) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(600);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 600);
  state_->ReportError(id, "count", ErrorRecordInfo{"boom", UnixSecs(), "host-a", 6700});

  gen::TopologyPageInfo page;
  api().getTopologyPageInfo(page, id, "600", false);
  EXPECT_EQ(page.id, id);
  EXPECT_EQ(page.name, "words");
  EXPECT_EQ(page.status, "ACTIVE");
  EXPECT_EQ(page.num_workers, 3);
  EXPECT_EQ(page.num_executors, 9);
  EXPECT_EQ(page.num_tasks, 11);
  EXPECT_TRUE(page.__isset.topology_conf);
  EXPECT_TRUE(page.__isset.storm_version);
  ASSERT_EQ(page.id_to_spout_agg_stats.count("spout"), 1u);
  const gen::ComponentAggregateStats& spout = page.id_to_spout_agg_stats.at("spout");
  EXPECT_EQ(spout.type, gen::ComponentType::SPOUT);
  EXPECT_EQ(spout.common_stats.num_executors, 2);
  EXPECT_EQ(spout.common_stats.acked, 200);
  EXPECT_DOUBLE_EQ(spout.specific_stats.spout.complete_latency_ms, 10);
  ASSERT_EQ(page.id_to_bolt_agg_stats.size(), 2u);
  const gen::ComponentAggregateStats& split = page.id_to_bolt_agg_stats.at("split");
  EXPECT_EQ(split.type, gen::ComponentType::BOLT);
  EXPECT_TRUE(split.specific_stats.__isset.bolt);
  EXPECT_EQ(split.specific_stats.bolt.executed, 4000);
  EXPECT_GT(split.specific_stats.bolt.capacity, 0);
  EXPECT_TRUE(page.id_to_bolt_agg_stats.at("count").__isset.last_error);
  EXPECT_EQ(page.id_to_bolt_agg_stats.at("count").last_error.error, "boom");
  EXPECT_EQ(page.topology_stats.window_to_acked.size(), 4u);
  EXPECT_EQ(page.topology_stats.window_to_acked.at("600"), 200);
  ASSERT_EQ(page.workers.size(), 3u);
  EXPECT_TRUE(page.workers[0].__isset.process);
  EXPECT_EQ(page.workers[0].process.pid, 4242);

  EXPECT_THROW(api().getTopologyPageInfo(page, "nope-1-1", "600", false), gen::NotAliveException);
}

TEST_F(NimbusServerTest, ComponentPageInfoKeysInputsByGlobalStreamId) {
  const std::string id = Submit("words");
  clock_.AdvanceSecs(600);
  WriteStats(*state_, *nimbus_, id, UnixSecs(), 600);
  gen::ComponentPageInfo page;
  api().getComponentPageInfo(page, id, "split", "600", false);
  EXPECT_EQ(page.component_id, "split");
  EXPECT_EQ(page.component_type, gen::ComponentType::BOLT);
  EXPECT_EQ(page.topology_name, "words");
  EXPECT_EQ(page.num_executors, 2);
  EXPECT_EQ(page.window_to_stats.size(), 4u);
  ASSERT_EQ(page.gsid_to_input_stats.size(), 1u);
  EXPECT_EQ(page.gsid_to_input_stats.begin()->first.componentId, "spout");
  EXPECT_EQ(page.gsid_to_input_stats.begin()->first.streamId, "default");
  ASSERT_EQ(page.exec_stats.size(), 2u);
  EXPECT_EQ(page.exec_stats[0].exec_summary.component_id, "split");
  EXPECT_EQ(page.exec_stats[0].stats.specific_stats.bolt.executed, 2000);
  EXPECT_TRUE(page.__isset.eventlog_host);
  EXPECT_EQ(page.topology_status, "ACTIVE");

  try {
    api().getComponentPageInfo(page, id, "nope", "600", false);
    ADD_FAILURE() << "no exception";
  } catch (const gen::NotAliveException& e) {
    EXPECT_NE(e.msg.find("'nope'"), std::string::npos) << e.msg;
  }
}

TEST_F(NimbusServerTest, SupervisorPageInfoListsWorkers) {
  const std::string id = Submit("words");
  gen::SupervisorPageInfo page;
  api().getSupervisorPageInfo(page, "sup-b", "", false);
  ASSERT_EQ(page.supervisor_summaries.size(), 1u);
  EXPECT_EQ(page.supervisor_summaries[0].supervisor_id, "sup-b");
  EXPECT_EQ(page.supervisor_summaries[0].num_used_workers, 1);
  ASSERT_EQ(page.worker_summaries.size(), 1u);
  EXPECT_EQ(page.worker_summaries[0].topology_id, id);
  EXPECT_EQ(page.worker_summaries[0].host, "host-b");
  EXPECT_THROW(api().getSupervisorPageInfo(page, "sup-x", "", false), gen::NotAliveException);
}

// getLeader answers the leader's summary as getClusterInfo lists it, with
// its real uptime (it used to be 0).
TEST_F(NimbusServerTest, GetLeaderIsTheLeadersSummaryWithItsUptime) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  // The registered Nimbus, started 100 s ago.
  std::vector<NimbusInfo> registered = state_->Nimbuses();
  ASSERT_FALSE(registered.empty());
  NimbusInfo me = registered[0];
  me.start_time_secs = now - 100;
  me.is_leader = true;
  state_->SetNimbus(me);
  gen::NimbusSummary leader;
  api().getLeader(leader);
  EXPECT_TRUE(leader.isLeader);
  EXPECT_GE(leader.uptime_secs, 100);
  EXPECT_LT(leader.uptime_secs, 160);
  gen::ClusterSummary cluster;
  api().getClusterInfo(cluster);
  bool listed = false;
  for (const auto& n : cluster.nimbuses) {
    if (n.host == leader.host && n.port == leader.port) {
      listed = true;
      EXPECT_TRUE(n.isLeader);
      EXPECT_NEAR(n.uptime_secs, leader.uptime_secs, 1);
    }
  }
  EXPECT_TRUE(listed) << leader.host << ":" << leader.port;
}

TEST_F(NimbusServerTest, SummaryOfAnUnknownNameIsNotAlive) {
  gen::TopologySummary summary;
  EXPECT_THROW(api().getTopologySummaryByName(summary, "nope"), gen::NotAliveException);
}

TEST_F(NimbusServerTest, ALiveNameIsRefusedBeforeTheTopologyIsChecked) {
  Submit("words");
  // Invalid too (no workers), but the name is what Storm reports first.
  EXPECT_THROW(api().submitTopology("words", "", R"({"topology.workers": 0})",
                                    TopologyToThrift(WordTopology())),
               gen::AlreadyAliveException);
  EXPECT_THROW(api().submitTopology("other", "", R"({"topology.workers": 0})",
                                    TopologyToThrift(WordTopology())),
               gen::InvalidTopologyException);
}

}  // namespace
}  // namespace storm::testing
