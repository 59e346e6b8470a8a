// Nimbus is stateless: a restarted Nimbus finds everything and changes
// nothing, finishes pending kills and rebalances; it cleans up what
// topologies no longer alive left, reports an unreachable cluster state as
// an error, and its monitor thread stops promptly.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

// ---- Restart ---------------------------------------------------------------------------------

TEST_F(NimbusTest, ARestartedNimbusFindsEverythingAndChangesNothing) {
  const std::string words = Submit("words");
  const std::string other = Submit("other", Workers(2));
  nimbus_->Deactivate("other");
  RunFor(20, words);
  const Assignment words_before = AssignmentOf(words);
  const Assignment other_before = AssignmentOf(other);
  const Config conf_before = nimbus_->GetTopologyConf(words);

  // As after SIGKILL: a new Nimbus over the same ZooKeeper and disk.
  nimbus_.reset();
  clock_.AdvanceSecs(3);
  StartNimbus();
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(words), words_before);
  EXPECT_EQ(AssignmentOf(other), other_before);
  EXPECT_EQ(BaseOf(other).status, TopologyStatus::kInactive);
  EXPECT_EQ(nimbus_->GetTopologyConf(words), conf_before);
  EXPECT_EQ(TopologyComponents(nimbus_->GetUserTopology(words)).size(), 3u);
  EXPECT_EQ(nimbus_->GetClusterInfo().topologies.size(), 2u);

  // Workers keep heartbeating (other's never did, yet it gets a fresh
  // launch period): nothing moves.
  RunFor(60, words);
  EXPECT_EQ(AssignmentOf(words), words_before);
  EXPECT_EQ(AssignmentOf(other), other_before);

  // It still manages them, and takes new ones.
  nimbus_->Activate("other");
  EXPECT_EQ(BaseOf(other).status, TopologyStatus::kActive);
  const std::string third = Submit("third", Workers(1));
  EXPECT_NE(third, words);
  EXPECT_NE(third, other);
  EXPECT_EQ(SlotsOf(AssignmentOf(third)).size(), 1u);
}

TEST_F(NimbusTest, ARestartedNimbusFinishesAPendingKill) {
  const std::string id = Submit("words");
  nimbus_->KillTopology("words", 10);
  clock_.AdvanceSecs(8);
  nimbus_.reset();
  StartNimbus();
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kKilled);
  clock_.AdvanceSecs(10);  // the full wait again, from the restart
  nimbus_->RunMonitorOnce();
  EXPECT_FALSE(state_->GetStormBase(id));
  EXPECT_FALSE(nimbus_->code_store().Has(id));
}

TEST_F(NimbusTest, ARestartedNimbusFinishesAPendingRebalance) {
  const std::string id = Submit("words", Workers(1));
  nimbus_->Rebalance("words", RebalanceRequest{10, 2, {}}, true);
  nimbus_.reset();
  StartNimbus();
  clock_.AdvanceSecs(10);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kActive);
  EXPECT_EQ(SlotsOf(AssignmentOf(id)).size(), 2u);
}

TEST_F(NimbusTest, CodeOfTopologiesNoLongerAliveIsCleanedUp) {
  const std::string id = Submit("words");
  // Its state vanished behind Nimbus's back (another Nimbus removed it).
  state_->RemoveTopology(id);
  nimbus_->RunMonitorOnce();
  EXPECT_FALSE(nimbus_->code_store().Has(id));
  // And leftovers of a topology without a storm base are removed.
  state_->SetWorkerHeartbeat("ghost-1-1", {"sup-a", 6700}, WorkerHeartbeat{"ghost-1-1", 1, 1, {}, {}});
  state_->ReportError("ghost-1-1", "c", ErrorRecordInfo{"e", 1, "h", 1});
  Assignment a;
  a.master_code_dir = "x";
  state_->SetAssignment("ghost-1-1", a);
  nimbus_->RunMonitorOnce();
  EXPECT_TRUE(state_->HeartbeatTopologies().empty());
  EXPECT_TRUE(state_->ErrorTopologies().empty());
  EXPECT_TRUE(state_->AssignmentIds().empty());
}

TEST_F(NimbusTest, StateStoreUnreachableIsAnErrorNotACrash) {
  const std::string id_words = Submit("words");
  const Assignment before = AssignmentOf(id_words);
  storage_->SetUnavailable(true);
  nimbus_->RunMonitorOnce();  // waits for ZooKeeper's return: changes nothing
  clock_.AdvanceSecs(600);    // no heartbeat reaches anyone meanwhile
  nimbus_->RunMonitorOnce();
  EXPECT_THROW(Submit("other"), StateStorageError);
  EXPECT_THROW(nimbus_->Deactivate("words"), StateStorageError);
  storage_->SetUnavailable(false);
  // Back: the outage's silence does not count as dead executors.
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(id_words), before);
  const std::string id = Submit("other", Workers(1));
  EXPECT_TRUE(state_->GetAssignment(id));
}

TEST_F(NimbusTest, TheMonitorThreadStopsPromptly) {
  NimbusOptions o = Options();
  o.run_monitor_thread = true;  // waits nimbus.monitor.freq.secs of real time
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  Submit("words");
  const auto start = std::chrono::steady_clock::now();
  nimbus_.reset();  // Stop() wakes the thread instead of waiting out its period
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace storm::testing
