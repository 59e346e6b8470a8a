// Nimbus's scheduling across the fake supervisors: topologies never share a
// slot (also under concurrent clients), executors whose heartbeats stop or
// never start are reassigned after nimbus.task.timeout.secs or
// nimbus.task.launch.secs on the ManualClock, and executors follow
// supervisors that go and come.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

TEST_F(NimbusTest, TwoTopologiesNeverShareASlot) {
  const std::string a = Submit("a", Workers(3));
  const std::string b = Submit("b", Workers(2));
  std::set<WorkerSlot> slots_a = SlotsOf(AssignmentOf(a));
  std::set<WorkerSlot> slots_b = SlotsOf(AssignmentOf(b));
  EXPECT_EQ(slots_a.size(), 3u);
  EXPECT_EQ(slots_b.size(), 2u);
  for (const auto& s : slots_b) EXPECT_EQ(slots_a.count(s), 0u) << s.node << ":" << s.port;

  // One slot is left: c wants two and gets the one.
  const std::string c = Submit("c", Workers(2));
  std::set<WorkerSlot> slots_c = SlotsOf(AssignmentOf(c));
  EXPECT_EQ(slots_c.size(), 1u);
  // None left: d is not assigned for now.
  const std::string d = Submit("d", Workers(1));
  EXPECT_FALSE(state_->GetAssignment(d));

  // A rebalance to more workers takes no slot of another topology.
  nimbus_->Rebalance("b", RebalanceRequest{0, 3, {}}, true);
  EXPECT_EQ(SlotsOf(AssignmentOf(b)).size(), 2u);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(SlotsOf(AssignmentOf(b)).size(), 2u);
  EXPECT_FALSE(state_->GetAssignment(d));

  // When a goes, d gets a slot, and still nobody shares.
  nimbus_->KillTopology("a", 0);
  nimbus_->RunMonitorOnce();
  std::set<WorkerSlot> all;
  size_t total = 0;
  for (const std::string& id : {b, c, d}) {
    const auto slots = SlotsOf(AssignmentOf(id));
    total += slots.size();
    all.insert(slots.begin(), slots.end());
  }
  EXPECT_EQ(all.size(), total);
  EXPECT_EQ(SlotsOf(AssignmentOf(d)).size(), 1u);
  // b and c, scheduled when slots were scarce, spread out to their workers.
  EXPECT_EQ(SlotsOf(AssignmentOf(b)).size(), 3u);
  EXPECT_EQ(SlotsOf(AssignmentOf(c)).size(), 2u);
  // And that is stable.
  const Assignment settled_b = AssignmentOf(b);
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(b), settled_b);
}

// ---- Heartbeats and reassignment -----------------------------------------------------------

TEST_F(NimbusTest, ASlotWhoseHeartbeatsStopIsReassigned) {
  const std::string id = Submit("words");
  RunFor(125, id);  // all three workers heartbeat, past their launch period
  const Assignment before = AssignmentOf(id);
  const WorkerSlot silent{"sup-b", 6700};
  ASSERT_TRUE(SlotsOf(before).count(silent));

  RunFor(25, id, {silent});  // not yet past nimbus.task.timeout.secs
  EXPECT_EQ(AssignmentOf(id), before);
  RunFor(5, id, {silent});  // 30 s since its last beat
  const Assignment after = AssignmentOf(id);
  for (const auto& [e, slot] : before.executor_slot) {
    if (slot == silent) {
      EXPECT_NE(after.executor_slot.at(e), silent);
      EXPECT_NE(after.executor_start_time_secs.at(e), before.executor_start_time_secs.at(e));
    } else {
      EXPECT_EQ(after.executor_slot.at(e), slot);
      EXPECT_EQ(after.executor_start_time_secs.at(e), before.executor_start_time_secs.at(e));
    }
  }
  // The silent slot's executors went together to one free slot.
  std::set<WorkerSlot> moved_to;
  for (const auto& [e, slot] : before.executor_slot) {
    if (slot == silent) moved_to.insert(after.executor_slot.at(e));
  }
  ASSERT_EQ(moved_to.size(), 1u);
  EXPECT_EQ(SlotsOf(before).count(*moved_to.begin()), 0u);
  EXPECT_EQ(SlotsOf(after).size(), 3u);

  // The new worker gets its launch period: no churn while it starts.
  RunFor(115, id, {*moved_to.begin()});
  EXPECT_EQ(AssignmentOf(id), after);
}

TEST_F(NimbusTest, AnEarlierWorkersLastBeatDoesNotShortenTheLaunchPeriod) {
  // Rebalanced down to one worker, the other two slots keep the last beats of
  // their workers; rebalanced up again, the new workers land on those slots.
  const std::string id = Submit("words");
  RunFor(20, id);
  const std::set<WorkerSlot> first_slots = SlotsOf(AssignmentOf(id));
  nimbus_->Rebalance("words", RebalanceRequest{0, 1, {}}, true);
  RunFor(20, id);
  nimbus_->Rebalance("words", RebalanceRequest{0, 3, {}}, true);
  const Assignment up = AssignmentOf(id);
  ASSERT_EQ(SlotsOf(up), first_slots);
  // The new workers take their time to start; the one that stayed beats on.
  std::set<WorkerSlot> starting;
  for (const WorkerSlot& s : SlotsOf(up)) {
    if (state_->GetWorkerHeartbeat(id, s)->time_secs < UnixSecs() - 5) starting.insert(s);
  }
  ASSERT_EQ(starting.size(), 2u);
  RunFor(60, id, starting);  // past the task timeout, within the launch period
  EXPECT_EQ(AssignmentOf(id), up);
}

TEST_F(NimbusTest, ASlotThatNeverHeartbeatsIsReassignedAfterTheLaunchPeriod) {
  const std::string id = Submit("words");
  const Assignment before = AssignmentOf(id);
  const WorkerSlot silent{"sup-a", 6701};
  ASSERT_TRUE(SlotsOf(before).count(silent));
  // Past the task timeout but within the launch period: still waiting for it.
  RunFor(115, id, {silent});
  EXPECT_EQ(AssignmentOf(id), before);
  RunFor(10, id, {silent});
  const Assignment after = AssignmentOf(id);
  for (const auto& [e, slot] : before.executor_slot) {
    if (slot == silent) {
      EXPECT_NE(after.executor_slot.at(e), silent);
    } else {
      EXPECT_EQ(after.executor_slot.at(e), slot);
      EXPECT_EQ(after.executor_start_time_secs.at(e), before.executor_start_time_secs.at(e));
    }
  }
  EXPECT_EQ(SlotsOf(after).size(), 3u);
}

TEST_F(NimbusTest, HeartbeatsWithoutStatsCountForTheirWholeSlot) {
  const std::string id = Submit("words", Workers(2));
  const Assignment before = AssignmentOf(id);
  for (int i = 0; i < 30; ++i) {
    clock_.AdvanceSecs(5);
    for (const WorkerSlot& slot : SlotsOf(before)) {
      state_->SetWorkerHeartbeat(id, slot, WorkerHeartbeat{id, UnixSecs(), 1, {}, {}});
    }
    nimbus_->RunMonitorOnce();
  }
  EXPECT_EQ(AssignmentOf(id), before);
}

TEST_F(NimbusTest, ExecutorsOfARemovedSupervisorMoveToTheOthers) {
  const std::string id = Submit("words");
  RunFor(10, id);
  const Assignment before = AssignmentOf(id);
  state_->RemoveSupervisor("sup-b");
  nimbus_->RunMonitorOnce();
  const Assignment after = AssignmentOf(id);
  for (const auto& [e, slot] : after.executor_slot) EXPECT_EQ(slot.node, "sup-a");
  EXPECT_EQ(SlotsOf(after).size(), 3u);  // sup-a has three slots
  EXPECT_EQ(after.node_host, (std::map<std::string, std::string>{{"sup-a", "host-a"}}));
  for (const auto& [e, slot] : before.executor_slot) {
    if (slot.node == "sup-a") {
      EXPECT_EQ(after.executor_slot.at(e), slot);
      EXPECT_EQ(after.executor_start_time_secs.at(e), before.executor_start_time_secs.at(e));
    }
  }
}

TEST_F(NimbusTest, WithNoSupervisorLeftTheAssignmentStays) {
  const std::string id = Submit("words");
  const Assignment before = AssignmentOf(id);
  state_->RemoveSupervisor("sup-a");
  state_->RemoveSupervisor("sup-b");
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(id), before);  // nowhere to go: nothing is rewritten
  // A supervisor comes back: everything goes there.
  AddSupervisor("sup-c", "host-c", {6700, 6701});
  nimbus_->RunMonitorOnce();
  for (const auto& [e, slot] : AssignmentOf(id).executor_slot) EXPECT_EQ(slot.node, "sup-c");
}

TEST_F(NimbusTest, ATopologySubmittedWithNoSupervisorIsAssignedWhenOneComes) {
  state_->RemoveSupervisor("sup-a");
  state_->RemoveSupervisor("sup-b");
  const std::string id = Submit("words", Workers(2));
  EXPECT_FALSE(state_->GetAssignment(id));
  AddSupervisor("sup-c", "host-c", {6700, 6701, 6702});
  nimbus_->RunMonitorOnce();
  EXPECT_EQ(SlotsOf(AssignmentOf(id)).size(), 2u);
}

// ---- Slots stay exclusive under load ---------------------------------------------------------

TEST_F(NimbusTest, ConcurrentCallsFailNothingAndLeaveNothingBehind) {
  // Clients on several threads while the monitor runs: no call fails, none
  // deadlocks, and once all are killed no topology, assignment or code is
  // left. (Slots held twice are ManyTopologiesNeverShareASlot's: reading
  // the assignments one by one while clients change them is no snapshot.)
  AddSupervisor("sup-c", "host-c", {6700, 6701, 6702, 6703});
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      const std::string name = "t" + std::to_string(t);
      for (int i = 0; i < 15; ++i) {
        try {
          nimbus_->SubmitTopology(name, "", Workers(2), WordTopology());
          nimbus_->Deactivate(name);
          nimbus_->Activate(name);
          nimbus_->GetClusterInfo();
          if (auto id = nimbus_->IdOfName(name)) nimbus_->GetTopologyInfo(*id);
          nimbus_->KillTopology(name, 0);
        } catch (const StormError& e) {
          ADD_FAILURE() << name << ": " << e.what();
        }
      }
    });
  }
  std::thread monitor([&] {
    while (!stop) nimbus_->RunMonitorOnce();
  });
  for (auto& c : clients) c.join();
  stop = true;
  monitor.join();
  nimbus_->RunMonitorOnce();
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(state_->AssignmentIds().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

TEST_F(NimbusTest, ManyTopologiesNeverShareASlot) {
  AddSupervisor("sup-c", "host-c", {6700, 6701, 6702, 6703});
  std::vector<std::string> ids;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105651: "t" + std::string at -O3
  for (int i = 0; i < 6; ++i) ids.push_back(Submit("t" + std::to_string(i), Workers(1 + i % 3)));
#pragma GCC diagnostic pop
  auto check = [&] {
    std::map<WorkerSlot, std::string> owner;
    for (const std::string& id : state_->AssignmentIds()) {
      for (const WorkerSlot& s : SlotsOf(AssignmentOf(id))) {
        auto [it, inserted] = owner.emplace(s, id);
        EXPECT_TRUE(inserted) << s.node << ":" << s.port << " held by " << it->second << " and "
                              << id;
      }
    }
  };
  check();
  nimbus_->KillTopology("t1", 0);
  nimbus_->Rebalance("t0", RebalanceRequest{0, 3, {}}, true);
  nimbus_->RunMonitorOnce();
  check();
  state_->RemoveSupervisor("sup-a");
  nimbus_->RunMonitorOnce();
  check();
  for (const std::string& id : state_->AssignmentIds()) {
    for (const WorkerSlot& s : SlotsOf(AssignmentOf(id))) EXPECT_NE(s.node, "sup-a") << id;
  }
}

}  // namespace
}  // namespace storm::testing
