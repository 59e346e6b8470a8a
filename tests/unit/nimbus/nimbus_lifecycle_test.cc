// A topology's status changes on Nimbus: deactivate and activate, names
// that are not alive, kill (its wait on the ManualClock, then everything
// removed) and rebalance (its wait, new worker and executor counts, task
// ids kept, requests validated).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

// ---- Lifecycle -------------------------------------------------------------------------------

TEST_F(NimbusTest, DeactivateAndActivateFlipTheStatus) {
  const std::string id = Submit("words");
  nimbus_->Deactivate("words");
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kInactive);
  nimbus_->Deactivate("words");  // already: no change, no error
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kInactive);
  nimbus_->Activate("words");
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kActive);
  // The assignment does not change with the status.
  const Assignment before = AssignmentOf(id);
  nimbus_->Deactivate("words");
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(id), before);
}

TEST_F(NimbusTest, UnknownNamesAreNotAlive) {
  Submit("words");
  EXPECT_THROW(nimbus_->KillTopology("nope"), NotAliveError);
  EXPECT_THROW(nimbus_->Activate("nope"), NotAliveError);
  EXPECT_THROW(nimbus_->Deactivate("nope"), NotAliveError);
  EXPECT_THROW(nimbus_->Rebalance("nope", RebalanceRequest{}), NotAliveError);
  const std::string error = ErrorOf<NotAliveError>([&] { nimbus_->Activate("nope"); });
  EXPECT_NE(error.find("'nope'"), std::string::npos) << error;
  EXPECT_THROW(nimbus_->GetTopologyInfo("nope-1-1"), NotAliveError);
  EXPECT_THROW(nimbus_->GetTopologyConf("nope-1-1"), NotAliveError);
  // Ids from a client that are not a node name are not alive either (not a
  // cluster state error, which would read as "ZooKeeper unreachable").
  for (const std::string id : {"", "a/b", "/", "words-1-1/", ".", ".."}) {
    EXPECT_THROW(nimbus_->GetTopologyInfo(id), NotAliveError) << id;
    EXPECT_THROW(nimbus_->GetTopologyConf(id), NotAliveError) << id;
    EXPECT_THROW(nimbus_->GetUserTopology(id), NotAliveError) << id;
    EXPECT_THROW(nimbus_->GetTopology(id), NotAliveError) << id;
  }
}

TEST_F(NimbusTest, KillWaitsThenRemovesEverything) {
  const std::string id = Submit("words");
  Heartbeat(id);
  state_->ReportError(id, "split", ErrorRecordInfo{"boom", UnixSecs(), "host-a", 6700});
  const Assignment assigned = AssignmentOf(id);

  nimbus_->KillTopology("words", 5);
  StormBase base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kKilled);
  EXPECT_EQ(base.kill_wait_secs, 5);
  // Activate and deactivate do not bring a killed topology back.
  nimbus_->Activate("words");
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kKilled);
  // The name is still taken until it is removed.
  EXPECT_THROW(Submit("words"), AlreadyAliveError);
  EXPECT_THROW(nimbus_->Rebalance("words", RebalanceRequest{}), NotAliveError);

  clock_.AdvanceSecs(4);
  nimbus_->RunMonitorOnce();
  EXPECT_TRUE(state_->GetStormBase(id));
  EXPECT_EQ(AssignmentOf(id), assigned);  // its workers keep running meanwhile
  EXPECT_TRUE(nimbus_->code_store().Has(id));

  clock_.AdvanceSecs(2);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(state_->GetStormBase(id), std::nullopt);
  EXPECT_EQ(state_->GetAssignment(id), std::nullopt);
  EXPECT_TRUE(state_->WorkerHeartbeats(id).empty());
  EXPECT_TRUE(state_->Errors(id, "split").empty());
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(state_->AssignmentIds().empty());
  EXPECT_TRUE(state_->HeartbeatTopologies().empty());
  EXPECT_TRUE(state_->ErrorTopologies().empty());
  EXPECT_FALSE(nimbus_->code_store().Has(id));
  EXPECT_FALSE(fs::exists(dir_ / "nimbus" / "stormdist" / id));
  EXPECT_EQ(nimbus_->IdOfName("words"), std::nullopt);
  EXPECT_THROW(nimbus_->KillTopology("words"), NotAliveError);

  // The name can be used again, and gets the slots back.
  clock_.AdvanceSecs(1);
  const std::string again = Submit("words");
  EXPECT_NE(again, id);
  EXPECT_EQ(BaseOf(again).status, TopologyStatus::kActive);
  EXPECT_EQ(SlotsOf(AssignmentOf(again)), SlotsOf(assigned));
}

TEST_F(NimbusTest, KillWithoutAWaitUsesTheMessageTimeout) {
  Config conf = Workers(1);
  conf.setMessageTimeoutSecs(7);
  const std::string id = Submit("words", conf);
  nimbus_->KillTopology("words");
  EXPECT_EQ(BaseOf(id).kill_wait_secs, 7);
  clock_.AdvanceSecs(6);
  nimbus_->RunMonitorOnce();
  EXPECT_TRUE(state_->GetStormBase(id));
  clock_.AdvanceSecs(1);
  nimbus_->RunMonitorOnce();
  EXPECT_FALSE(state_->GetStormBase(id));
}

TEST_F(NimbusTest, KillWithWaitZeroRemovesAtOnce) {
  const std::string id = Submit("words");
  nimbus_->KillTopology("words", 0);
  EXPECT_FALSE(state_->GetStormBase(id));
  EXPECT_FALSE(state_->GetAssignment(id));
  EXPECT_FALSE(nimbus_->code_store().Has(id));
  EXPECT_THROW(nimbus_->KillTopology("words", -1), NotAliveError);
  Submit("words");
  EXPECT_THROW(nimbus_->KillTopology("words", -1), InvalidTopologyError);
}

TEST_F(NimbusTest, RebalanceToMoreWorkersAndExecutorsAfterTheWait) {
  const std::string id = Submit("words", Workers(2));
  EXPECT_EQ(SlotsOf(AssignmentOf(id)).size(), 2u);
  nimbus_->Rebalance("words", RebalanceRequest{3, 4, {{"split", 4}, {"count", 1}}},
                     /*wait_given=*/true);
  StormBase base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kRebalancing);
  EXPECT_EQ(base.prev_status, TopologyStatus::kActive);
  ASSERT_TRUE(base.rebalance);
  EXPECT_EQ(base.rebalance->num_workers, 4);
  // Nothing changes before the wait is over.
  clock_.AdvanceSecs(2);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(BaseOf(id).num_workers, 2);
  EXPECT_EQ(SlotsOf(AssignmentOf(id)).size(), 2u);

  clock_.AdvanceSecs(1);
  nimbus_->RunMonitorOnce();
  base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kActive);
  EXPECT_EQ(base.num_workers, 4);
  EXPECT_EQ(base.component_executors.at("split"), 4);
  EXPECT_EQ(base.component_executors.at("count"), 1);
  EXPECT_EQ(base.component_executors.at("spout"), 2);
  EXPECT_FALSE(base.rebalance);
  EXPECT_FALSE(base.prev_status);

  const Assignment a = AssignmentOf(id);
  EXPECT_EQ(SlotsOf(a).size(), 4u);
  // 2 ackers + 1 count + 2 spout + 4 split executors over 4 slots.
  EXPECT_EQ(a.executor_slot.size(), 9u);
  std::map<std::string, int> per_component;
  auto layout = nimbus_->Layout(id);
  for (const auto& [e, slot] : a.executor_slot) ++per_component[*layout->ComponentOfTask(e.first)];
  EXPECT_EQ(per_component,
            (std::map<std::string, int>{{"__acker", 2}, {"count", 1}, {"spout", 2}, {"split", 4}}));
  for (const auto& [slot, executors] : BySlot(a)) {
    EXPECT_GE(executors.size(), 2u);
    EXPECT_LE(executors.size(), 3u);
  }
  // Task ids do not change with a rebalance: count still has tasks 3 and 4.
  EXPECT_TRUE(a.executor_slot.count({3, 4}));
}

TEST_F(NimbusTest, RebalanceNeverRenumbersTasks) {
  // Workers of one topology route tuples by task id: a rebalance changes
  // executors, never which task ids a component has.
  const std::string id = Submit("words");
  std::map<std::string, std::vector<int>> before;
  auto layout = nimbus_->Layout(id);
  for (const std::string& c : layout->ComponentIds()) before[c] = layout->TasksOf(c);
  // The acker's tasks come first and it has one per executor: a new acker
  // count would renumber them all, so it is refused.
  const std::string error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"__acker", 1}}}, true);
  });
  EXPECT_NE(error.find("__acker"), std::string::npos) << error;
  nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"split", 4}, {"__acker", 3}}},
                     true);
  layout = nimbus_->Layout(id);
  for (const auto& [c, tasks] : before) EXPECT_EQ(layout->TasksOf(c), tasks) << c;
  EXPECT_EQ(BaseOf(id).component_executors.at("split"), 4);
}

TEST_F(NimbusTest, RebalanceOfAnInactiveTopologyReturnsToInactive) {
  const std::string id = Submit("words", Workers(2));
  nimbus_->Deactivate("words");
  nimbus_->Rebalance("words", RebalanceRequest{0, 1, {}}, /*wait_given=*/true);
  const StormBase base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kInactive);
  EXPECT_EQ(base.num_workers, 1);
  EXPECT_EQ(SlotsOf(AssignmentOf(id)).size(), 1u);
}

TEST_F(NimbusTest, RebalanceWithoutAWaitUsesTheMessageTimeout) {
  Config conf = Workers(1);
  conf.setMessageTimeoutSecs(9);
  const std::string id = Submit("words", conf);
  nimbus_->Rebalance("words", RebalanceRequest{0, 2, {}});
  EXPECT_EQ(BaseOf(id).rebalance->wait_secs, 9);
  clock_.AdvanceSecs(9);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(BaseOf(id).num_workers, 2);
}

TEST_F(NimbusTest, RebalanceRequestsAreValidated) {
  const std::string id = Submit("words");
  std::string error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"split", 5}}}, true);
  });
  EXPECT_NE(error.find("'split' has 4 tasks"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"spout", 0}}}, true);
  });
  EXPECT_NE(error.find("'spout'"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"nope", 1}}}, true);
  });
  EXPECT_NE(error.find("no component 'nope'"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{0, 0, {}}, true);
  });
  EXPECT_NE(error.find("at least 1"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] {
    nimbus_->Rebalance("words", RebalanceRequest{-1, 2, {}}, true);
  });
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  // Nothing was changed by the refused requests.
  const StormBase base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kActive);
  EXPECT_FALSE(base.rebalance);
}

}  // namespace
}  // namespace storm::testing
