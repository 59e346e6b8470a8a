// The cluster state seam in memory: InMemoryStorage keeps ZooKeeper's
// semantics (parents, sorted children, sequential names, one-shot watches on
// a thread of its own, injected faults), and ClusterState writes every record
// of docs/architecture.md#zookeeper-layout and reads it back unchanged; a corrupt node reads as
// missing.
#include <gtest/gtest.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "common/state/cluster_state.h"
#include "common/state/in_memory_storage.h"
#include "common/thrift/thrift_bytes.h"
#include "storm_types.h"
#include "support/test_support.h"
#include "support/watch_event_log.h"

namespace storm {
namespace {

using storm::testing::WaitUntil;

using EventLog = storm::testing::WatchEventLog;

// ---- InMemoryStorage ---------------------------------------------------------------

TEST(InMemoryStorageTest, SetCreatesParentsAndGetReadsBack) {
  InMemoryStorage s;
  s.Set("/a/b/c", "data", NodeMode::kPersistent);
  EXPECT_EQ(s.Get("/a/b/c", false), "data");
  EXPECT_EQ(s.Get("/a/b", false), "");  // parents are empty nodes
  EXPECT_TRUE(s.Exists("/a", false));
  EXPECT_FALSE(s.Exists("/a/x", false));
  EXPECT_EQ(s.Get("/nothing", false), std::nullopt);
  s.Set("/a/b/c", "new", NodeMode::kPersistent);
  EXPECT_EQ(s.Get("/a/b/c", false), "new");
  // A parent keeps its data when a child is added under it.
  s.Set("/p", "parent", NodeMode::kPersistent);
  s.Set("/p/q", "", NodeMode::kPersistent);
  EXPECT_EQ(s.Get("/p", false), "parent");
}

TEST(InMemoryStorageTest, BadPathsAreRefused) {
  InMemoryStorage s;
  for (const std::string& bad : {std::string(""), std::string("a"), std::string("/a/"),
                                 std::string("/a//b")}) {
    EXPECT_THROW(s.Set(bad, "x", NodeMode::kPersistent), StateStorageError) << bad;
    EXPECT_THROW(s.Get(bad, false), StateStorageError) << bad;
  }
}

TEST(InMemoryStorageTest, ChildrenAreNamesSortedAndOnlyOneLevel) {
  InMemoryStorage s;
  s.Set("/dir/zeta", "", NodeMode::kPersistent);
  s.Set("/dir/alpha", "", NodeMode::kPersistent);
  s.Set("/dir/mid/deep", "", NodeMode::kPersistent);
  s.Set("/dirx", "", NodeMode::kPersistent);  // shares the prefix, not a child
  EXPECT_EQ(s.Children("/dir", false), (std::vector<std::string>{"alpha", "mid", "zeta"}));
  EXPECT_EQ(s.Children("/", false), (std::vector<std::string>{"dir", "dirx"}));
  EXPECT_TRUE(s.Children("/missing", false).empty());
}

TEST(InMemoryStorageTest, SequentialNamesAreTenDigitsAndIncrease) {
  InMemoryStorage s;
  EXPECT_EQ(s.CreateSequential("/errors/c/e", "0"), "/errors/c/e0000000000");
  EXPECT_EQ(s.CreateSequential("/errors/c/e", "1"), "/errors/c/e0000000001");
  // Deleting a child does not reuse its number (as ZooKeeper's parent cversion).
  s.DeleteRecursive("/errors/c/e0000000001");
  EXPECT_EQ(s.CreateSequential("/errors/c/e", "2"), "/errors/c/e0000000002");
  // Each parent counts on its own.
  EXPECT_EQ(s.CreateSequential("/errors/d/e", "x"), "/errors/d/e0000000000");
  EXPECT_EQ(s.Children("/errors/c", false),
            (std::vector<std::string>{"e0000000000", "e0000000002"}));
  EXPECT_EQ(s.Get("/errors/c/e0000000002", false), "2");
}

TEST(InMemoryStorageTest, DeleteRecursiveRemovesTheSubtreeOnly) {
  InMemoryStorage s;
  s.Set("/t/a/1", "", NodeMode::kPersistent);
  s.Set("/t/a/2/x", "", NodeMode::kPersistent);
  s.Set("/t/ab", "", NodeMode::kPersistent);  // a sibling sharing the prefix
  s.DeleteRecursive("/t/a");
  EXPECT_FALSE(s.Exists("/t/a", false));
  EXPECT_FALSE(s.Exists("/t/a/2/x", false));
  EXPECT_TRUE(s.Exists("/t/ab", false));
  EXPECT_EQ(s.Children("/t", false), (std::vector<std::string>{"ab"}));
  s.DeleteRecursive("/t/missing");  // no error
}

TEST(InMemoryStorageTest, WatchesFireOnceOnTheDispatchThread) {
  InMemoryStorage s;
  EventLog log;
  s.AddListener(log.Listener());
  s.Set("/w", "1", NodeMode::kPersistent);
  ASSERT_EQ(s.Get("/w", /*watch=*/true), "1");
  s.Set("/w", "2", NodeMode::kPersistent);
  s.Set("/w", "3", NodeMode::kPersistent);  // the watch is spent: no second event
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 1; }));

  // A children watch fires when a child comes or goes.
  s.Children("/w", /*watch=*/true);
  s.Set("/w/child", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 2; }));
  // An Exists watch on a missing node fires when it is created; a Get watch
  // fires when the node is deleted.
  EXPECT_FALSE(s.Exists("/later", /*watch=*/true));
  s.Set("/later", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 3; }));
  s.Get("/later", /*watch=*/true);
  s.DeleteRecursive("/later");
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 4; }));

  // Nothing more arrives: each watch fired once.
  s.Set("/sync", "", NodeMode::kPersistent);
  s.Exists("/sync2", true);
  s.Set("/sync2", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 5; }));
  const auto events = log.events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kDataChanged);
  EXPECT_EQ(events[0].path, "/w");
  EXPECT_EQ(events[1].type, WatchEvent::Type::kChildrenChanged);
  EXPECT_EQ(events[1].path, "/w");
  EXPECT_EQ(events[2].path, "/later");
  EXPECT_EQ(events[3].type, WatchEvent::Type::kNodeDeleted);
  EXPECT_EQ(events[3].path, "/later");
  EXPECT_EQ(events[4].path, "/sync2");
  for (std::thread::id t : log.threads()) EXPECT_NE(t, std::this_thread::get_id());
}

TEST(InMemoryStorageTest, DeletingANodeFiresItsChildrenWatchOnce) {
  // As ZooKeeper: a delete triggers the data and the child watches of the
  // node deleted, delivered as one NodeDeleted event.
  InMemoryStorage s;
  EventLog log;
  s.AddListener(log.Listener());
  s.Set("/parent/gone/child", "", NodeMode::kPersistent);
  s.Children("/parent/gone", /*watch=*/true);
  s.Get("/parent/gone", /*watch=*/true);
  s.Children("/parent/gone/child", /*watch=*/true);  // deleted with its parent
  s.DeleteRecursive("/parent/gone");
  s.Set("/sync", "", NodeMode::kPersistent);
  s.Exists("/sync2", true);
  s.Set("/sync2", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 3; }));
  std::map<std::string, int> deleted;
  for (const WatchEvent& e : log.events()) {
    if (e.type == WatchEvent::Type::kNodeDeleted) ++deleted[e.path];
  }
  EXPECT_EQ(deleted, (std::map<std::string, int>{{"/parent/gone", 1}, {"/parent/gone/child", 1}}));
  // The watches were used up: re-creating the node fires nothing.
  s.Set("/parent/gone/child", "", NodeMode::kPersistent);
  s.Exists("/sync3", true);
  s.Set("/sync3", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 4; }));
  EXPECT_EQ(log.size(), 4u);
}

TEST(InMemoryStorageTest, AListenerMayCallBackIntoTheStorage) {
  InMemoryStorage s;
  std::atomic<int> seen{0};
  s.AddListener([&](const WatchEvent& e) {
    // Re-arm the watch from the dispatch thread, as ClusterState users do.
    s.Get(e.path, /*watch=*/true);
    ++seen;
  });
  s.Get("/n", true);
  s.Set("/n", "1", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return seen == 1; }));
  s.Set("/n", "2", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return seen == 2; }));
}

TEST(InMemoryStorageTest, RemovedListenerIsNotCalled) {
  InMemoryStorage s;
  EventLog removed;
  EventLog kept;
  const int id = s.AddListener(removed.Listener());
  s.AddListener(kept.Listener());  // called after `removed` for each event
  s.RemoveListener(id);
  s.Get("/x", true);
  s.Set("/x", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return kept.size() == 1; }));
  EXPECT_EQ(removed.size(), 0u);
}

TEST(InMemoryStorageTest, AListenerMayRemoveItself) {
  InMemoryStorage s;
  std::atomic<int> calls{0};
  int id = 0;
  id = s.AddListener([&](const WatchEvent&) {
    ++calls;
    s.RemoveListener(id);  // from the dispatch thread: must not deadlock
  });
  EventLog after;
  s.AddListener(after.Listener());
  s.Get("/x", true);
  s.Set("/x", "1", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return after.size() == 1; }));
  s.Get("/x", true);
  s.Set("/x", "2", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return after.size() == 2; }));
  EXPECT_EQ(calls, 1);
}

TEST(InMemoryStorageTest, UnavailableThrowsUntilBack) {
  InMemoryStorage s;
  s.Set("/a", "1", NodeMode::kPersistent);
  s.SetUnavailable(true);
  EXPECT_THROW(s.Set("/a", "2", NodeMode::kPersistent), StateStorageError);
  EXPECT_THROW(s.Get("/a", false), StateStorageError);
  EXPECT_THROW(s.Exists("/a", false), StateStorageError);
  EXPECT_THROW(s.Children("/", false), StateStorageError);
  EXPECT_THROW(s.CreateSequential("/s/e", ""), StateStorageError);
  EXPECT_THROW(s.DeleteRecursive("/a"), StateStorageError);
  ClusterState state(std::shared_ptr<StateStorage>(&s, [](StateStorage*) {}));
  EXPECT_THROW(state.ActiveStorms(), StateStorageError);
  EXPECT_THROW(state.GetStormBase("t"), StateStorageError);
  s.SetUnavailable(false);
  EXPECT_EQ(s.Get("/a", false), "1");  // nothing changed while it was down
}

TEST(InMemoryStorageTest, ExpireSessionClearsWatchesAndSaysSessionRestored) {
  InMemoryStorage s;
  EventLog log;
  s.AddListener(log.Listener());
  s.Get("/a", true);
  s.Children("/", true);
  s.ExpireSession();
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 1; }));
  s.Set("/a", "", NodeMode::kPersistent);  // the old watches are gone
  s.Get("/b", true);
  s.Set("/b", "", NodeMode::kPersistent);
  ASSERT_TRUE(WaitUntil([&] { return log.size() >= 2; }));
  const auto events = log.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kSessionRestored);
  EXPECT_EQ(events[0].path, "");
  EXPECT_EQ(events[1].path, "/b");
}

// ---- ClusterState ---------------------------------------------------------------------

class ClusterStateTest : public ::testing::Test {
 protected:
  std::shared_ptr<InMemoryStorage> storage_ = std::make_shared<InMemoryStorage>();
  ClusterState state_{storage_};
};

StormBase ABase() {
  StormBase b;
  b.name = "words";
  b.status = TopologyStatus::kInactive;
  b.num_workers = 3;
  b.component_executors = {{"spout", 2}, {"split", 4}, {"__acker", 3}};
  b.launch_time_secs = 1'700'000'123;
  b.owner = "alice";
  return b;
}

void ExpectSameBase(const StormBase& a, const StormBase& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.num_workers, b.num_workers);
  EXPECT_EQ(a.component_executors, b.component_executors);
  EXPECT_EQ(a.launch_time_secs, b.launch_time_secs);
  EXPECT_EQ(a.owner, b.owner);
  EXPECT_EQ(a.prev_status, b.prev_status);
  EXPECT_EQ(a.kill_wait_secs, b.kill_wait_secs);
  ASSERT_EQ(a.rebalance.has_value(), b.rebalance.has_value());
  if (a.rebalance) {
    EXPECT_EQ(a.rebalance->wait_secs, b.rebalance->wait_secs);
    EXPECT_EQ(a.rebalance->num_workers, b.rebalance->num_workers);
    EXPECT_EQ(a.rebalance->num_executors, b.rebalance->num_executors);
  }
}

TEST_F(ClusterStateTest, StormBaseRoundTrips) {
  const StormBase plain = ABase();
  state_.SetStormBase("words-1-100", plain);
  auto read = state_.GetStormBase("words-1-100");
  ASSERT_TRUE(read);
  ExpectSameBase(*read, plain);
  EXPECT_EQ(state_.ActiveStorms(), std::vector<std::string>{"words-1-100"});
  EXPECT_EQ(state_.GetStormBase("other"), std::nullopt);
  // Stored where docs/architecture.md#zookeeper-layout says.
  EXPECT_TRUE(storage_->Exists("/storms/words-1-100", false));
}

TEST_F(ClusterStateTest, StormBaseKeepsComponentDebugOptions) {
  StormBase base = ABase();
  base.component_debug = {{"", DebugOptions{true, 10}}, {"split", DebugOptions{false, 0}}};
  state_.SetStormBase("words-1-100", base);
  EXPECT_EQ(state_.GetStormBase("words-1-100")->component_debug, base.component_debug);
}

TEST_F(ClusterStateTest, LogConfigRoundTripsAtStormsPath) {
  const LogConfig config{{{"ROOT", LoggerLevel{"DEBUG", 1'700'000'000, "INFO"}},
                          {"worker", LoggerLevel{"TRACE", 0, "WARN"}}}};
  state_.SetLogConfig("words-1-100", config);
  EXPECT_TRUE(storage_->Exists("/logconfigs/words-1-100", false));
  EXPECT_EQ(state_.GetLogConfig("words-1-100"), config);
  EXPECT_EQ(state_.GetLogConfig("other"), std::nullopt);
}

TEST_F(ClusterStateTest, StormBaseKeepsAKillAction) {
  StormBase killed = ABase();
  killed.status = TopologyStatus::kKilled;
  killed.kill_wait_secs = 5;
  state_.SetStormBase("t", killed);
  auto read = state_.GetStormBase("t");
  ASSERT_TRUE(read);
  ExpectSameBase(*read, killed);

  killed.kill_wait_secs = 0;  // a wait of 0 is still a kill action
  state_.SetStormBase("t", killed);
  EXPECT_EQ(state_.GetStormBase("t")->kill_wait_secs, 0);
}

TEST_F(ClusterStateTest, StormBaseKeepsARebalanceAction) {
  StormBase b = ABase();
  b.status = TopologyStatus::kRebalancing;
  b.prev_status = TopologyStatus::kInactive;
  b.rebalance = RebalanceRequest{7, 5, {{"split", 2}, {"spout", 1}}};
  state_.SetStormBase("t", b);
  auto read = state_.GetStormBase("t");
  ASSERT_TRUE(read);
  ExpectSameBase(*read, b);

  // Without workers or executors given.
  b.rebalance = RebalanceRequest{0, std::nullopt, {}};
  b.prev_status = TopologyStatus::kActive;
  state_.SetStormBase("t", b);
  read = state_.GetStormBase("t");
  ASSERT_TRUE(read);
  ExpectSameBase(*read, b);
}

TEST_F(ClusterStateTest, EveryStatusRoundTrips) {
  for (TopologyStatus s : {TopologyStatus::kActive, TopologyStatus::kInactive,
                           TopologyStatus::kRebalancing, TopologyStatus::kKilled}) {
    StormBase b = ABase();
    b.status = s;
    state_.SetStormBase("t", b);
    EXPECT_EQ(state_.GetStormBase("t")->status, s) << TopologyStatusName(s);
  }
  EXPECT_STREQ(TopologyStatusName(TopologyStatus::kRebalancing), "REBALANCING");
}

TEST_F(ClusterStateTest, AssignmentRoundTrips) {
  Assignment a;
  a.master_code_dir = "/var/storm/nimbus/stormdist/t";
  a.node_host = {{"sup-a", "host-a"}, {"sup-b", "host-b"}};
  a.executor_slot = {
      {{1, 1}, {"sup-a", 6700}}, {{2, 3}, {"sup-b", 6701}}, {{4, 4}, {"sup-a", 6700}}};
  a.executor_start_time_secs = {{{1, 1}, 100}, {{2, 3}, 101}, {{4, 4}, 102}};
  state_.SetAssignment("t", a);
  auto read = state_.GetAssignment("t");
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, a);
  EXPECT_EQ(state_.AssignmentIds(), std::vector<std::string>{"t"});
  state_.RemoveAssignment("t");
  EXPECT_EQ(state_.GetAssignment("t"), std::nullopt);
  EXPECT_TRUE(state_.AssignmentIds().empty());
}

TEST_F(ClusterStateTest, SupervisorRoundTripsWithItsIdFromTheNodeName) {
  SupervisorInfo s;
  s.id = "sup-1f3e";
  s.hostname = "worker7.example.com";
  s.time_secs = 1'700'000'000;
  s.uptime_secs = 42;
  s.slots = {6700, 6701, 6702};
  s.used_ports = {6701};
  s.version = "0.1.0";
  state_.SetSupervisor(s);
  auto read = state_.GetSupervisor("sup-1f3e");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, s.id);
  EXPECT_EQ(read->hostname, s.hostname);
  EXPECT_EQ(read->time_secs, s.time_secs);
  EXPECT_EQ(read->uptime_secs, s.uptime_secs);
  EXPECT_EQ(read->slots, s.slots);
  EXPECT_EQ(read->used_ports, s.used_ports);
  EXPECT_EQ(read->version, s.version);
  EXPECT_EQ(state_.SupervisorIds(), std::vector<std::string>{"sup-1f3e"});
  state_.RemoveSupervisor("sup-1f3e");
  EXPECT_EQ(state_.GetSupervisor("sup-1f3e"), std::nullopt);
}

TEST_F(ClusterStateTest, WorkerHeartbeatRoundTripsWithStats) {
  WorkerHeartbeat hb;
  hb.topology_id = "t";
  hb.time_secs = 1'700'000'500;
  hb.uptime_secs = 77;
  hb.process = ProcessStats{123'456'789, 4.25, 4242};
  ExecutorBeatStats spout;
  spout.is_spout = true;
  for (const char* window : kStatsWindows) {
    WindowStats& w = spout.windows[window];
    w.emitted = {{"default", 1000}, {"words", 7}};
    w.transferred = {{"default", 990}};
    w.acked = {{{"", "default"}, 980}};
    w.failed = {{{"", "default"}, 3}};
    w.complete_ms_avg = {{{"", "default"}, 12.5}};
    w.failure_causes = {3, 0, 0};
  }
  spout.queue = QueueStats{17, 1024, true};
  spout.task_metrics = {{1, "lines", "counter", {{"count", 42}}},
                        {2, "size", "histogram", {{"count", 3}, {"p99", 9.5}}}};
  spout.latency_buckets = {{"complete", {{0, 1}, {300, 123'456'789'012}, {1023, 2}}}};
  ExecutorBeatStats bolt;
  WindowStats& b600 = bolt.windows[kWindow10Min];
  b600.emitted = {{"default", 50}};
  b600.transferred = {{"default", 49}};
  b600.acked = {{{"spout", "default"}, 48}, {{"spout", "words"}, 2}};
  b600.failed = {{{"spout", "default"}, 1}};
  b600.executed = {{{"spout", "default"}, 970}};
  b600.execute_ms_avg = {{{"spout", "default"}, 0.25}};
  b600.process_ms_avg = {{{"spout", "default"}, 0.5}};
  b600.failure_causes = {0, 1, 2};
  bolt.latency_buckets = {{"execute", {{5, 7}}}, {"process", {{9, 1}, {12, 3}}}};
  hb.executor_stats = {{{1, 2}, spout}, {{3, 3}, bolt}};
  // A supervisor id with dashes: the port is what follows the last one.
  const WorkerSlot slot{"sup-with-dashes", 6701};
  state_.SetWorkerHeartbeat("t", slot, hb);
  EXPECT_TRUE(storage_->Exists("/workerbeats/t/sup-with-dashes-6701", false));

  auto read = state_.GetWorkerHeartbeat("t", slot);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->topology_id, "t");
  EXPECT_EQ(read->time_secs, hb.time_secs);
  EXPECT_EQ(read->uptime_secs, hb.uptime_secs);
  EXPECT_EQ(read->process, hb.process);
  ASSERT_EQ(read->executor_stats.size(), 2u);
  EXPECT_EQ(read->executor_stats.at({1, 2}), spout);
  EXPECT_EQ(read->executor_stats.at({3, 3}), bolt);
  EXPECT_EQ(read->executor_stats.at({1, 2}).AllTime().Emitted(), 1007);
  EXPECT_EQ(read->executor_stats.at({3, 3}).Window(kWindow10Min).Acked(), 50);
  EXPECT_EQ(read->executor_stats.at({3, 3}).AllTime().Acked(), 0);  // not reported
}

TEST_F(ClusterStateTest, HeartbeatNodesWithBadNamesAreSkipped) {
  state_.SetWorkerHeartbeat("t", {"sup", 6700}, WorkerHeartbeat{"t", 5, 1, {}, {}});
  const std::string good = *storage_->Get("/workerbeats/t/sup-6700", false);
  storage_->Set("/workerbeats/t/noport", good, NodeMode::kPersistent);
  storage_->Set("/workerbeats/t/sup-67x0", good, NodeMode::kPersistent);
  storage_->Set("/workerbeats/t/-6700", good, NodeMode::kPersistent);
  auto all = state_.WorkerHeartbeats("t");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, (WorkerSlot{"sup", 6700}));
}

TEST_F(ClusterStateTest, ErrorsKeepTheLastTenOldestFirst) {
  for (int i = 0; i < 13; ++i) {
    state_.ReportError("t", "split",
                       ErrorRecordInfo{"boom " + std::to_string(i), 1000 + i, "h", 6700});
  }
  state_.ReportError("t", "count", ErrorRecordInfo{"other", 5, "h2", 6701});
  auto errors = state_.Errors("t", "split");
  ASSERT_EQ(errors.size(), static_cast<size_t>(ClusterState::kMaxErrors));
  for (int i = 0; i < ClusterState::kMaxErrors; ++i) {
    EXPECT_EQ(errors[i].error, "boom " + std::to_string(i + 3));
    EXPECT_EQ(errors[i].time_secs, 1003 + i);
    EXPECT_EQ(errors[i].host, "h");
    EXPECT_EQ(errors[i].port, 6700);
  }
  auto other = state_.Errors("t", "count");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].error, "other");
  EXPECT_EQ(other[0].port, 6701);
  EXPECT_EQ(state_.ErrorTopologies(), std::vector<std::string>{"t"});
  EXPECT_TRUE(state_.Errors("t", "nobody").empty());
  state_.RemoveErrors("t");
  EXPECT_TRUE(state_.Errors("t", "split").empty());
}

TEST_F(ClusterStateTest, NimbusesRoundTrip) {
  state_.JoinLeaderLock("n1", "nimbus1:6627");
  state_.SetNimbus(NimbusInfo{"nimbus1", 6627, 1'700'000'000, true, "0.1.0"});
  state_.SetNimbus(NimbusInfo{"nimbus2", 6628, 1'700'000'100, false, "0.1.0"});
  auto all = state_.Nimbuses();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].host, "nimbus1");
  EXPECT_EQ(all[0].port, 6627);
  EXPECT_EQ(all[0].start_time_secs, 1'700'000'000);
  EXPECT_TRUE(all[0].is_leader);
  EXPECT_EQ(all[0].version, "0.1.0");
  EXPECT_EQ(all[1].host, "nimbus2");
  EXPECT_FALSE(all[1].is_leader);
  EXPECT_TRUE(storage_->Exists("/nimbuses/nimbus1:6627", false));
}

// The leader is the Nimbus of the lowest lock node once it says it leads;
// a summary that still says "leader" (an ex-leader that has not stepped
// down yet) does not make it one.
TEST_F(ClusterStateTest, TheLeaderIsTheLowestLockNodesNimbusOnceItLeads) {
  EXPECT_FALSE(state_.Leader());
  const std::string first = state_.JoinLeaderLock("aaa", "n1:1");
  state_.JoinLeaderLock("bbb", "n2:2");
  state_.SetNimbus(NimbusInfo{"n1", 1, 100, false, "v"});  // first in line, not leading yet
  state_.SetNimbus(NimbusInfo{"n2", 2, 200, true, "v"});   // stale
  EXPECT_FALSE(state_.Leader());
  for (const NimbusInfo& n : state_.Nimbuses()) EXPECT_FALSE(n.is_leader) << n.host;

  state_.SetNimbus(NimbusInfo{"n1", 1, 100, true, "v"});
  ASSERT_TRUE(state_.Leader());
  EXPECT_EQ(state_.Leader()->host, "n1");
  EXPECT_EQ(state_.Leader()->start_time_secs, 100);
  for (const NimbusInfo& n : state_.Nimbuses()) EXPECT_EQ(n.is_leader, n.host == "n1");

  state_.SetNimbus(NimbusInfo{"n2", 2, 200, false, "v"});  // stepped down
  storage_->DeleteRecursive(first);
  EXPECT_FALSE(state_.Leader());  // n2 is first, and has not taken the lead yet
  auto line = state_.LeaderCandidates();
  ASSERT_EQ(line.size(), 1u);
  EXPECT_EQ(line[0].host_port, "n2:2");
}

// Candidates are ordered by sequence, whatever their nonce prefixes.
TEST_F(ClusterStateTest, LeaderCandidatesAreInSequenceOrder) {
  state_.JoinLeaderLock("zzz", "a:1");
  state_.JoinLeaderLock("aaa", "b:2");
  state_.JoinLeaderLock("mmm", "c:3");
  std::vector<std::string> order;
  for (const auto& c : state_.LeaderCandidates()) order.push_back(c.host_port);
  EXPECT_EQ(order, (std::vector<std::string>{"a:1", "b:2", "c:3"}));
}

TEST_F(ClusterStateTest, GuardedStateFencesTheLeadersWritesOnly) {
  const std::string lock = state_.JoinLeaderLock("n", "n1:1");
  auto leader = state_.Guarded(lock);
  StormBase base;
  base.name = "t";
  leader->SetStormBase("t-1", base);
  leader->SetAssignment("t-1", Assignment{});
  EXPECT_TRUE(state_.GetStormBase("t-1"));
  storage_->DeleteRecursive(lock);  // the session that made it is gone
  base.status = TopologyStatus::kKilled;
  EXPECT_THROW(leader->SetStormBase("t-1", base), GuardLostError);
  EXPECT_THROW(leader->RemoveAssignment("t-1"), GuardLostError);
  EXPECT_EQ(state_.GetStormBase("t-1")->status, TopologyStatus::kActive);
  EXPECT_TRUE(state_.GetAssignment("t-1"));
  // What any daemon writes is not fenced.
  leader->SetSupervisor(SupervisorInfo{"s1", "h", 1, 1, {6700}, {}, "v"});
  EXPECT_TRUE(state_.GetSupervisor("s1"));
}

TEST_F(ClusterStateTest, CodeHoldersAreKeptPerTopology) {
  EXPECT_TRUE(state_.CodeKeys().empty());
  state_.AddCodeHolder("t-1", "n1:6627");
  state_.AddCodeHolder("t-1", "n2:6627");
  state_.AddCodeHolder("t-2", "n1:6627");
  EXPECT_EQ(state_.CodeKeys(), (std::vector<std::string>{"t-1", "t-2"}));
  EXPECT_EQ(state_.CodeHolders("t-1"), (std::vector<std::string>{"n1:6627", "n2:6627"}));
  EXPECT_TRUE(storage_->Exists("/blobstore/t-1/n2:6627-1", false));
  state_.RemoveCodeHolder("t-1", "n1:6627");
  EXPECT_EQ(state_.CodeHolders("t-1"), std::vector<std::string>{"n2:6627"});
  state_.RemoveCodeKey("t-1");
  EXPECT_EQ(state_.CodeKeys(), std::vector<std::string>{"t-2"});
  EXPECT_TRUE(state_.CodeHolders("t-1").empty());
}

TEST_F(ClusterStateTest, RemoveTopologyRemovesEverythingItLeftAndNothingElse) {
  for (const std::string id : {"gone", "stays"}) {
    state_.SetStormBase(id, ABase());
    Assignment a;
    a.master_code_dir = "d";
    a.executor_slot = {{{1, 1}, {"s", 6700}}};
    state_.SetAssignment(id, a);
    state_.SetWorkerHeartbeat(id, {"s", 6700}, WorkerHeartbeat{id, 1, 1, {}, {}});
    state_.ReportError(id, "c", ErrorRecordInfo{"e", 1, "h", 1});
    state_.SetLogConfig(id, LogConfig{{{"ROOT", LoggerLevel{"DEBUG", 0, "INFO"}}}});
  }
  state_.RemoveTopology("gone");
  EXPECT_EQ(state_.GetLogConfig("gone"), std::nullopt);
  EXPECT_TRUE(state_.GetLogConfig("stays"));
  EXPECT_EQ(state_.GetStormBase("gone"), std::nullopt);
  EXPECT_EQ(state_.GetAssignment("gone"), std::nullopt);
  EXPECT_TRUE(state_.WorkerHeartbeats("gone").empty());
  EXPECT_TRUE(state_.Errors("gone", "c").empty());
  EXPECT_EQ(state_.ActiveStorms(), std::vector<std::string>{"stays"});
  EXPECT_EQ(state_.AssignmentIds(), std::vector<std::string>{"stays"});
  EXPECT_EQ(state_.HeartbeatTopologies(), std::vector<std::string>{"stays"});
  EXPECT_EQ(state_.ErrorTopologies(), std::vector<std::string>{"stays"});
  EXPECT_TRUE(state_.GetStormBase("stays"));
  EXPECT_EQ(state_.Errors("stays", "c").size(), 1u);
}

TEST_F(ClusterStateTest, CorruptNodesReadAsMissing) {
  const std::vector<std::string> garbage = {"", "garbage", std::string(64, '\xff'),
                                            std::string("\x0b\x00\x01\x7f\xff\xff\xff", 7)};
  for (const std::string& bytes : garbage) {
    storage_->Set("/storms/bad", bytes, NodeMode::kPersistent);
    storage_->Set("/assignments/bad", bytes, NodeMode::kPersistent);
    storage_->Set("/supervisors/bad", bytes, NodeMode::kPersistent);
    storage_->Set("/workerbeats/bad/sup-6700", bytes, NodeMode::kPersistent);
    storage_->Set("/errors/bad/c/e0000000000", bytes, NodeMode::kPersistent);
    storage_->Set("/nimbuses/bad:1", bytes, NodeMode::kPersistent);
    EXPECT_EQ(state_.GetStormBase("bad"), std::nullopt);
    EXPECT_EQ(state_.GetAssignment("bad"), std::nullopt);
    EXPECT_EQ(state_.GetSupervisor("bad"), std::nullopt);
    EXPECT_EQ(state_.GetWorkerHeartbeat("bad", {"sup", 6700}), std::nullopt);
    EXPECT_TRUE(state_.WorkerHeartbeats("bad").empty());
    EXPECT_TRUE(state_.Errors("bad", "c").empty());
    EXPECT_TRUE(state_.Nimbuses().empty());
  }
  // A good record next to a corrupt one is still read.
  state_.SetNimbus(NimbusInfo{"good", 1, 2, true, "v"});
  ASSERT_EQ(state_.Nimbuses().size(), 1u);
  EXPECT_EQ(state_.Nimbuses()[0].host, "good");
}

// Logs of the default logger, kept in memory while it lives (and not
// printed: hundreds of "does not decode" lines would bury the test's output).
class CapturedLog {
 public:
  CapturedLog()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(kLines)) {
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  // The lines logged since the last call (at most kLines).
  std::vector<std::string> Take() {
    std::vector<std::string> lines = sink_->last_formatted();
    const size_t seen = std::min(seen_, lines.size());
    std::vector<std::string> out(lines.begin() + static_cast<std::ptrdiff_t>(seen), lines.end());
    seen_ = lines.size();
    return out;
  }

 private:
  static constexpr size_t kLines = 4096;  // more than the test logs
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  size_t seen_ = 0;
};

// Whether `bytes` decode as the Thrift struct T (what the reader must agree with).
template <class T>
bool Decodes(const std::string& bytes) {
  try {
    ThriftFromBytes<T>(bytes, "fuzz input");
    return true;
  } catch (const SerializationError&) {
    return false;
  }
}

// Mutated records: each read returns the record when its bytes decode, and
// otherwise reads as missing with one error line naming the node; nothing
// throws, and afterwards the same nodes read good records again.
TEST_F(ClusterStateTest, RandomBytesAreReadAsMissingAndLoggedWithTheirPath) {
  std::mt19937 rng(12345);
  // Start from real records and flip bytes, so that decoding gets deep.
  StormBase b = ABase();
  b.rebalance = RebalanceRequest{1, 2, {{"a", 1}}};
  state_.SetStormBase("seed", b);
  Assignment a;
  a.master_code_dir = "d";
  a.node_host = {{"s", "h"}};
  a.executor_slot = {{{1, 1}, {"s", 6700}}};
  a.executor_start_time_secs = {{{1, 1}, 5}};
  state_.SetAssignment("seed", a);
  WorkerHeartbeat hb;
  hb.topology_id = "seed";
  hb.time_secs = 1;
  hb.uptime_secs = 1;
  hb.executor_stats[{1, 1}].is_spout = true;
  hb.executor_stats[{1, 1}].windows[kWindowAllTime].emitted["default"] = 1;
  state_.SetWorkerHeartbeat("seed", {"s", 6700}, hb);
  const std::string base_bytes = *storage_->Get("/storms/seed", false);
  const std::string assignment_bytes = *storage_->Get("/assignments/seed", false);
  const std::string beat_bytes = *storage_->Get("/workerbeats/seed/s-6700", false);
  auto mutate = [&](std::string bytes) {
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) bytes.resize(rng() % bytes.size());
    return bytes;
  };
  // Each read: whether it returned a record, the bytes' decodability, and
  // the error lines it logged.
  int decoded = 0;
  int refused = 0;
  CapturedLog log;
  auto check = [&](const char* node, bool read, bool decodes) {
    const std::vector<std::string> lines = log.Take();
    EXPECT_EQ(read, decodes) << node << ": read a record " << read << ", bytes decode " << decodes;
    if (decodes) {
      ++decoded;
      EXPECT_TRUE(lines.empty()) << node << " decodes, yet logged: " << lines.front();
      return;
    }
    ++refused;
    ASSERT_EQ(lines.size(), 1u) << node << ": one error line per node that does not decode";
    EXPECT_EQ(lines[0].rfind("error ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find(std::string("ZooKeeper node ") + node), std::string::npos)
        << "the error does not name the node: " << lines[0];
  };
  for (int round = 0; round < 300; ++round) {
    const std::string base = mutate(base_bytes);
    const std::string assignment = mutate(assignment_bytes);
    const std::string beat = mutate(beat_bytes);
    storage_->Set("/storms/x", base, NodeMode::kPersistent);
    storage_->Set("/assignments/x", assignment, NodeMode::kPersistent);
    storage_->Set("/workerbeats/x/s-6700", beat, NodeMode::kPersistent);
    std::optional<StormBase> read_base;
    ASSERT_NO_THROW(read_base = state_.GetStormBase("x"));
    check("/storms/x", read_base.has_value(), Decodes<gen::StormBase>(base));
    std::optional<Assignment> read_assignment;
    ASSERT_NO_THROW(read_assignment = state_.GetAssignment("x"));
    check("/assignments/x", read_assignment.has_value(), Decodes<gen::Assignment>(assignment));
    std::vector<std::pair<WorkerSlot, WorkerHeartbeat>> beats;
    ASSERT_NO_THROW(beats = state_.WorkerHeartbeats("x"));
    check("/workerbeats/x/s-6700", !beats.empty(), Decodes<gen::ClusterWorkerHeartbeat>(beat));
    if (HasFatalFailure()) return;
  }
  // Both outcomes were exercised: the mutations are neither all harmless
  // nor all fatal.
  EXPECT_GT(decoded, 0);
  EXPECT_GT(refused, 0);
  // The reader is not left in a bad state: good records read back.
  state_.SetStormBase("x", b);
  state_.SetAssignment("x", a);
  state_.SetWorkerHeartbeat("x", {"s", 6700}, hb);
  const std::optional<StormBase> read_base = state_.GetStormBase("x");
  ASSERT_TRUE(read_base);
  ExpectSameBase(*read_base, b);
  EXPECT_EQ(state_.GetAssignment("x"), a);
  EXPECT_EQ(state_.WorkerHeartbeats("x").size(), 1u);
}

}  // namespace
}  // namespace storm
