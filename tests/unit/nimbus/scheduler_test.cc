// The even scheduler: executors spread over num_workers slots taken
// round-robin across supervisors; alive executors stay where they are.
#include "nimbus/scheduler.h"

#include <gtest/gtest.h>

#include <set>

namespace storm {
namespace {

std::vector<ExecutorId> Executors(int n) {
  std::vector<ExecutorId> out;
  for (int i = 1; i <= n; ++i) out.emplace_back(i, i);
  return out;
}

std::vector<WorkerSlot> Slots(const std::vector<std::string>& nodes, std::vector<int> ports) {
  std::vector<WorkerSlot> out;
  for (const auto& n : nodes) {
    for (int p : ports) out.push_back({n, p});
  }
  return out;
}

std::map<WorkerSlot, std::vector<ExecutorId>> BySlot(const std::map<ExecutorId, WorkerSlot>& m) {
  std::map<WorkerSlot, std::vector<ExecutorId>> out;
  for (const auto& [e, s] : m) out[s].push_back(e);
  return out;
}

TEST(InterleaveSlotsTest, AlternatesNodes) {
  auto out = InterleaveSlots({{"b", 2}, {"a", 2}, {"a", 1}, {"b", 1}, {"a", 3}, {"c", 1}});
  EXPECT_EQ(out, (std::vector<WorkerSlot>{{"a", 1}, {"b", 1}, {"c", 1}, {"a", 2}, {"b", 2}, {"a", 3}}));
  EXPECT_TRUE(InterleaveSlots({}).empty());
}

TEST(ScheduleEvenlyTest, RoundRobinOverTheFirstSlots) {
  std::vector<ExecutorDef> executors;
  for (int i = 5; i >= 1; --i) executors.push_back({"c", i, i});  // out of order on purpose
  auto out = ScheduleEvenly(executors, Slots({"a", "b"}, {1, 2}), 3);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].slot, (WorkerSlot{"a", 1}));
  EXPECT_EQ(out[1].slot, (WorkerSlot{"b", 1}));
  EXPECT_EQ(out[2].slot, (WorkerSlot{"a", 2}));
  EXPECT_EQ(out[0].executors, (std::vector<ExecutorDef>{{"c", 1, 1}, {"c", 4, 4}}));
  EXPECT_EQ(out[1].executors, (std::vector<ExecutorDef>{{"c", 2, 2}, {"c", 5, 5}}));
  EXPECT_EQ(out[2].executors, (std::vector<ExecutorDef>{{"c", 3, 3}}));
  EXPECT_TRUE(ScheduleEvenly(executors, {}, 3).empty());
  EXPECT_TRUE(ScheduleEvenly(executors, Slots({"a"}, {1}), 0).empty());
}

TEST(ScheduleTopologyTest, SpreadsEvenlyOverNumWorkersSlotsAcrossSupervisors) {
  auto out = ScheduleTopology(Executors(10), {}, Slots({"a", "b", "c"}, {6700, 6701, 6702}), 4);
  ASSERT_EQ(out.size(), 10u);
  auto by_slot = BySlot(out);
  // Four slots, taken round-robin over the supervisors: a, b, c, then a again.
  EXPECT_EQ(by_slot.size(), 4u);
  std::set<WorkerSlot> slots;
  for (const auto& [s, es] : by_slot) slots.insert(s);
  EXPECT_EQ(slots, (std::set<WorkerSlot>{{"a", 6700}, {"b", 6700}, {"c", 6700}, {"a", 6701}}));
  // Evenly: 10 over 4 is 3, 3, 2, 2.
  for (const auto& [s, es] : by_slot) {
    EXPECT_GE(es.size(), 2u) << s.node << ":" << s.port;
    EXPECT_LE(es.size(), 3u) << s.node << ":" << s.port;
  }
  // In task order, round-robin: executor 1 to the first slot, 2 to the second...
  EXPECT_EQ(out.at({1, 1}), (WorkerSlot{"a", 6700}));
  EXPECT_EQ(out.at({2, 2}), (WorkerSlot{"b", 6700}));
  EXPECT_EQ(out.at({3, 3}), (WorkerSlot{"c", 6700}));
  EXPECT_EQ(out.at({4, 4}), (WorkerSlot{"a", 6701}));
  EXPECT_EQ(out.at({5, 5}), (WorkerSlot{"a", 6700}));
}

TEST(ScheduleTopologyTest, NeverMoreSlotsThanWorkersNorThanAvailable) {
  auto out = ScheduleTopology(Executors(3), {}, Slots({"a", "b"}, {1, 2, 3}), 10);
  EXPECT_EQ(BySlot(out).size(), 3u);  // one executor per slot at most
  out = ScheduleTopology(Executors(8), {}, Slots({"a"}, {1, 2}), 5);
  EXPECT_EQ(BySlot(out).size(), 2u);  // only two slots exist
  EXPECT_EQ(out.size(), 8u);
  out = ScheduleTopology(Executors(8), {}, Slots({"a", "b"}, {1, 2}), 1);
  EXPECT_EQ(BySlot(out).size(), 1u);
  EXPECT_EQ(out.size(), 8u);
}

TEST(ScheduleTopologyTest, KeepsAliveExecutorsAndPlacesTheRest) {
  // Executors 1..6 ran on three slots; the slot (b,1) with 2 and 5 died.
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 1}, {"a", 1}}, {{4, 4}, {"a", 1}},
                                            {{3, 3}, {"c", 1}}, {{6, 6}, {"c", 1}}};
  const auto available = Slots({"a", "b", "c"}, {2, 3});  // (b,1) is not offered
  auto out = ScheduleTopology(Executors(6), alive, available, 3);
  ASSERT_EQ(out.size(), 6u);
  for (const auto& [e, s] : alive) EXPECT_EQ(out.at(e), s);
  // The two homeless executors go to one new slot, the first interleaved.
  EXPECT_EQ(out.at({2, 2}), (WorkerSlot{"a", 2}));
  EXPECT_EQ(out.at({5, 5}), (WorkerSlot{"a", 2}));
  EXPECT_EQ(BySlot(out).size(), 3u);
}

TEST(ScheduleTopologyTest, KeptSlotsAreNotCountedTwice) {
  // The kept slot is also offered as available: it must not become a second target.
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 1}, {"a", 1}}, {{2, 2}, {"a", 1}}};
  auto out = ScheduleTopology(Executors(4), alive, Slots({"a", "b"}, {1, 2}), 2);
  auto by_slot = BySlot(out);
  EXPECT_EQ(by_slot.size(), 2u);
  EXPECT_EQ(by_slot.at({"a", 1}), (std::vector<ExecutorId>{{1, 1}, {2, 2}}));
  EXPECT_EQ(by_slot.at({"b", 1}), (std::vector<ExecutorId>{{3, 3}, {4, 4}}));
}

TEST(ScheduleTopologyTest, ATopologyOnFewerSlotsThanItsWorkersSpreadsWhenSlotsFree) {
  // Scheduled when one slot was free, all six executors run on (a,1); now
  // (b,1) is free too: the topology spreads evenly over two slots, as Storm's
  // scheduler frees the slots that do not fit an even spread.
  std::map<ExecutorId, WorkerSlot> alive;
  for (const ExecutorId& e : Executors(6)) alive[e] = {"a", 1};
  auto out = ScheduleTopology(Executors(6), alive, {{"a", 1}, {"b", 1}}, 2);
  auto by_slot = BySlot(out);
  ASSERT_EQ(by_slot.size(), 2u);
  EXPECT_EQ(by_slot.at({"a", 1}).size(), 3u);
  EXPECT_EQ(by_slot.at({"b", 1}).size(), 3u);
  // Nothing free: it stays as it is.
  out = ScheduleTopology(Executors(6), alive, {{"a", 1}}, 2);
  EXPECT_EQ(out, alive);
}

TEST(ScheduleTopologyTest, SlotsThatFitAnEvenSpreadAreKept) {
  // 10 executors over 3 slots is 4 + 3 + 3. The slot with 4 died: the two
  // slots of 3 fit the spread and stay, the 4 go to one new slot.
  std::map<ExecutorId, WorkerSlot> alive;
  for (int i : {2, 5, 8}) alive[{i, i}] = {"b", 1};
  for (int i : {3, 6, 9}) alive[{i, i}] = {"c", 1};
  auto out = ScheduleTopology(Executors(10), alive, Slots({"a", "b", "c"}, {2}), 3);
  for (const auto& [e, s] : alive) EXPECT_EQ(out.at(e), s);
  EXPECT_EQ(BySlot(out).at({"a", 2}), (std::vector<ExecutorId>{{1, 1}, {4, 4}, {7, 7}, {10, 10}}));
}

TEST(ScheduleTopologyTest, FewerExecutorsThanWorkersIsStable) {
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 1}, {"a", 1}}, {{2, 2}, {"b", 1}}};
  auto out = ScheduleTopology(Executors(2), alive, Slots({"a", "b"}, {1, 2}), 3);
  EXPECT_EQ(out, alive);
}

TEST(ScheduleTopologyTest, NoMoreSlotsThanWorkersWhenEnoughAreKept) {
  // Two kept slots already make num_workers: new executors (a rebalance to
  // more executors) join them, no third slot is taken.
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 1}, {"a", 1}}, {{2, 2}, {"b", 1}}};
  auto out = ScheduleTopology(Executors(5), alive, Slots({"a", "b"}, {2, 3}), 2);
  ASSERT_EQ(out.size(), 5u);
  auto by_slot = BySlot(out);
  EXPECT_EQ(by_slot.size(), 2u);
  EXPECT_TRUE(by_slot.count({"a", 1}));
  EXPECT_TRUE(by_slot.count({"b", 1}));
}

TEST(ScheduleTopologyTest, FallsBackToKeptSlotsWhenNothingIsFree) {
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 1}, {"a", 1}}, {{2, 2}, {"b", 1}}};
  auto out = ScheduleTopology(Executors(6), alive, {}, 4);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out.at({1, 1}), (WorkerSlot{"a", 1}));
  EXPECT_EQ(out.at({2, 2}), (WorkerSlot{"b", 1}));
  auto by_slot = BySlot(out);
  EXPECT_EQ(by_slot.size(), 2u);
  EXPECT_EQ(by_slot.at({"a", 1}).size(), 3u);
  EXPECT_EQ(by_slot.at({"b", 1}).size(), 3u);
}

TEST(ScheduleTopologyTest, EmptyWhenThereIsNoSlot) {
  EXPECT_TRUE(ScheduleTopology(Executors(3), {}, {}, 2).empty());
  EXPECT_TRUE(ScheduleTopology({}, {}, {}, 2).empty());
}

TEST(ScheduleTopologyTest, AliveEntriesForExecutorsNoLongerInTheTopologyAreDropped) {
  // After a rebalance to fewer executors, the old ids are gone.
  std::map<ExecutorId, WorkerSlot> alive = {{{1, 2}, {"a", 1}}, {{3, 3}, {"a", 1}}};
  auto out = ScheduleTopology({{1, 1}, {2, 2}, {3, 3}}, alive, Slots({"a", "b"}, {1, 2}), 2);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(out.count({1, 2}));
  EXPECT_EQ(out.at({3, 3}), (WorkerSlot{"a", 1}));
}

TEST(ScheduleTopologyTest, WorkersBelowOneMeansOne) {
  auto out = ScheduleTopology(Executors(4), {}, Slots({"a", "b"}, {1}), 0);
  EXPECT_EQ(BySlot(out).size(), 1u);
  EXPECT_EQ(out.size(), 4u);
}

}  // namespace
}  // namespace storm
