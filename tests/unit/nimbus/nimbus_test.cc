// Nimbus in-process over in-memory cluster state and a ManualClock: submit
// and its validation, the lifecycle (activate, deactivate, kill, rebalance),
// the even scheduler across fake supervisors, reassignment of executors whose
// heartbeats stop or whose supervisor goes, a restart that changes nothing,
// and the summaries the CLI shows.
#include "nimbus/nimbus.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <ostream>
#include <set>
#include <thread>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "storm/topology_builder.h"
#include "support/declaring_components.h"
#include "support/temp_dir.h"
#include "sdk/topology_def.h"

namespace storm {

// Readable failures: gtest finds this by argument-dependent lookup.
void PrintTo(const Assignment& a, std::ostream* os) {
  *os << "{";
  for (const auto& [e, slot] : a.executor_slot) {
    auto start = a.executor_start_time_secs.find(e);
    *os << " [" << e.first << "," << e.second << "]@" << slot.node << ":" << slot.port << "/"
        << (start == a.executor_start_time_secs.end() ? -1 : start->second);
  }
  *os << " }";
}

namespace {

namespace fs = std::filesystem;
using storm::testing::DeclaringBoltFactory;
using storm::testing::DeclaringSpoutFactory;
using storm::testing::Streams;
using storm::testing::TempDir;

constexpr int64_t kEpochSecs = 1'700'000'000;
const Streams kWords = {{"default", {Fields{"word"}, false}}};

// spout(2) -> split(2 executors, 4 tasks) -shuffle-> count(2) by "word".
StormTopology WordTopology() {
  TopologyBuilder b;
  b.setSpout("spout", DeclaringSpoutFactory(kWords), 2);
  b.setBolt("split", DeclaringBoltFactory(kWords), 2).setNumTasks(4).shuffleGrouping("spout");
  b.setBolt("count", DeclaringBoltFactory(), 2).fieldsGrouping("split", Fields{"word"});
  return b.createTopology();
}

Config Workers(int n) { return Config().setNumWorkers(n); }

template <class E, class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("(wrong exception type) ") + e.what();
  }
  return "(no error)";
}

std::set<WorkerSlot> SlotsOf(const Assignment& a) {
  std::set<WorkerSlot> out;
  for (const auto& [e, s] : a.executor_slot) out.insert(s);
  return out;
}

std::map<WorkerSlot, std::vector<ExecutorId>> BySlot(const Assignment& a) {
  std::map<WorkerSlot, std::vector<ExecutorId>> out;
  for (const auto& [e, s] : a.executor_slot) out[s].push_back(e);
  return out;
}

class NimbusTest : public ::testing::Test {
 protected:
  NimbusTest() {
    conf_ = DefaultConfig();
    conf_.put(Config::kStormLocalDir, dir_.path().string());
    conf_.put("nimbus.task.timeout.secs", 30);
    conf_.put("nimbus.task.launch.secs", 120);
    AddSupervisor("sup-a", "host-a", {6700, 6701, 6702});
    AddSupervisor("sup-b", "host-b", {6700, 6701, 6702});
  }
  ~NimbusTest() override { nimbus_.reset(); }

  void SetUp() override { StartNimbus(); }

  NimbusOptions Options() {
    NimbusOptions o;
    o.conf = conf_;
    o.state = state_;
    o.clock = &clock_;
    o.unix_secs = [this] { return UnixSecs(); };
    o.library_optional = true;
    o.host = "nimbus-host";
    o.port = 6627;
    o.run_monitor_thread = false;
    return o;
  }
  void StartNimbus() {
    nimbus_.reset();
    nimbus_ = std::make_unique<Nimbus>(Options());
    nimbus_->Start();
  }
  int64_t UnixSecs() const { return kEpochSecs + clock_.NowNanos() / 1'000'000'000; }

  void AddSupervisor(const std::string& id, const std::string& host, std::vector<int> slots) {
    SupervisorInfo s;
    s.id = id;
    s.hostname = host;
    s.time_secs = UnixSecs();
    s.slots = std::move(slots);
    state_->SetSupervisor(s);
  }

  std::string Submit(const std::string& name, const Config& conf = Workers(3),
                     const StormTopology& topology = WordTopology()) {
    return nimbus_->SubmitTopology(name, "", conf, topology);
  }

  Assignment AssignmentOf(const std::string& id) {
    auto a = state_->GetAssignment(id);
    EXPECT_TRUE(a) << "no assignment for " << id;
    return a ? *a : Assignment{};
  }
  StormBase BaseOf(const std::string& id) {
    auto b = state_->GetStormBase(id);
    EXPECT_TRUE(b) << "no storm base for " << id;
    return b ? *b : StormBase{};
  }

  // Each slot of `id`'s assignment but `except` writes a heartbeat with stats
  // for its executors, its time moving with the clock.
  void Heartbeat(const std::string& id, const std::set<WorkerSlot>& except = {}) {
    const Assignment a = AssignmentOf(id);
    for (const auto& [slot, executors] : BySlot(a)) {
      if (except.count(slot) != 0) continue;
      WorkerHeartbeat hb;
      hb.topology_id = id;
      hb.time_secs = UnixSecs();
      hb.uptime_secs = 1;
      for (const ExecutorId& e : executors) hb.executor_stats[e] = ExecutorBeatStats{};
      state_->SetWorkerHeartbeat(id, slot, hb);
    }
  }

  // Moves time on in steps of `step` seconds, the workers of `id` but
  // `silent` heartbeating and the monitor running at each step.
  void RunFor(int secs, const std::string& id, const std::set<WorkerSlot>& silent = {},
              int step = 5) {
    for (int t = 0; t < secs; t += step) {
      clock_.AdvanceSecs(step);
      Heartbeat(id, silent);
      nimbus_->RunMonitorOnce();
    }
  }

  TempDir dir_;
  ManualClock clock_;
  Config conf_;
  std::shared_ptr<InMemoryStorage> storage_ = std::make_shared<InMemoryStorage>();
  std::shared_ptr<ClusterState> state_ = std::make_shared<ClusterState>(storage_);
  std::unique_ptr<Nimbus> nimbus_;
};

// ---- Submit ------------------------------------------------------------------------------

TEST_F(NimbusTest, SubmitStoresTheTopologyAndAssignsIt) {
  const int64_t launch = UnixSecs();
  const std::string id = Submit("words");
  EXPECT_EQ(id, "words-1-" + std::to_string(launch));
  EXPECT_EQ(nimbus_->IdOfName("words"), id);

  const StormBase base = BaseOf(id);
  EXPECT_EQ(base.name, "words");
  EXPECT_EQ(base.status, TopologyStatus::kActive);
  EXPECT_EQ(base.num_workers, 3);
  EXPECT_EQ(base.launch_time_secs, launch);
  // Ackers default to one per worker.
  EXPECT_EQ(base.component_executors,
            (std::map<std::string, int>{{"__acker", 3}, {"count", 2}, {"spout", 2}, {"split", 2}}));

  // 9 executors over 3 slots taken round-robin across the two supervisors.
  const Assignment a = AssignmentOf(id);
  EXPECT_EQ(a.executor_slot.size(), 9u);
  EXPECT_EQ(SlotsOf(a), (std::set<WorkerSlot>{{"sup-a", 6700}, {"sup-b", 6700}, {"sup-a", 6701}}));
  for (const auto& [slot, executors] : BySlot(a)) EXPECT_EQ(executors.size(), 3u);
  EXPECT_EQ(a.node_host, (std::map<std::string, std::string>{{"sup-a", "host-a"}, {"sup-b", "host-b"}}));
  EXPECT_EQ(a.executor_start_time_secs.size(), 9u);
  for (const auto& [e, secs] : a.executor_start_time_secs) EXPECT_EQ(secs, launch);
  // Executors cover every task once: 3 ackers + 2 count + 2 spout + 4 split tasks.
  std::set<int> tasks;
  for (const auto& [e, s] : a.executor_slot) {
    for (int t = e.first; t <= e.second; ++t) EXPECT_TRUE(tasks.insert(t).second) << t;
  }
  EXPECT_EQ(tasks.size(), 11u);
  EXPECT_EQ(*tasks.begin(), 1);
  EXPECT_EQ(*tasks.rbegin(), 11);

  // The code is in stormdist/<id>/.
  const fs::path code = dir_ / "nimbus" / "stormdist" / id;
  EXPECT_EQ(a.master_code_dir, code.string());
  EXPECT_TRUE(fs::is_regular_file(code / "stormcode.ser"));
  EXPECT_TRUE(fs::is_regular_file(code / "stormconf.ser"));
  EXPECT_EQ(nimbus_->GetTopologyConf(id).getString(Config::kTopologyName), "words");
  EXPECT_EQ(nimbus_->GetTopologyConf(id).getInt(Config::kTopologyWorkers), 3);
  const StormTopology user = nimbus_->GetUserTopology(id);
  EXPECT_EQ(TopologyComponents(user).size(), 3u);
  EXPECT_NE(FindComponent(nimbus_->GetTopology(id), "__acker"), nullptr);

  // A second topology gets the next counter.
  clock_.AdvanceSecs(2);
  const std::string id2 = Submit("other", Workers(1));
  EXPECT_EQ(id2, "other-2-" + std::to_string(launch + 2));
}

TEST_F(NimbusTest, SubmitInactive) {
  const std::string id = nimbus_->SubmitTopology("words", "", Workers(1), WordTopology(),
                                                 /*start_active=*/false);
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kInactive);
  EXPECT_TRUE(state_->GetAssignment(id));  // assigned all the same, its spouts just wait
}

TEST_F(NimbusTest, SubmitWithoutALibraryIsRefusedUnlessOptional) {
  NimbusOptions o = Options();
  o.library_optional = false;
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  const std::string error =
      ErrorOf<InvalidTopologyError>([&] { Submit("words"); });
  EXPECT_NE(error.find("no topology library"), std::string::npos) << error;
  const std::string bad_location = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->SubmitTopology("words", "/tmp/nothing.so", Workers(1), WordTopology()); });
  EXPECT_NE(bad_location.find("not a finished upload"), std::string::npos) << bad_location;
}

TEST_F(NimbusTest, SubmitWithAnUploadedLibraryChecksAndInstallsIt) {
  std::string checked;
  NimbusOptions o = Options();
  o.check_library = [&](const std::string& path, const std::string& name, const Config& conf,
                        const StormTopology&) {
    checked = path + " " + name + " " + std::to_string(conf.getInt(Config::kTopologyWorkers));
  };
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  CodeStore& store = nimbus_->code_store();
  const std::string location = store.BeginUpload();
  store.UploadChunk(location, "ELF pretend");
  store.FinishUpload(location);
  const std::string id = nimbus_->SubmitTopology("words", location, Workers(1), WordTopology());
  EXPECT_EQ(checked, location + " words 1");
  const fs::path library = dir_ / "nimbus" / "stormdist" / id / "stormjar.so";
  EXPECT_TRUE(fs::is_regular_file(library));
  EXPECT_EQ(fs::file_size(library), 11u);
  EXPECT_FALSE(fs::exists(location));
  // An upload is used once.
  EXPECT_THROW(nimbus_->SubmitTopology("again", location, Workers(1), WordTopology()),
               InvalidTopologyError);
}

TEST_F(NimbusTest, ALibraryCheckThatFailsRefusesTheSubmit) {
  NimbusOptions o = Options();
  o.check_library = [](const std::string&, const std::string&, const Config&,
                       const StormTopology&) {
    throw InvalidTopologyError("the library's main threw: boom");
  };
  nimbus_ = std::make_unique<Nimbus>(std::move(o));
  nimbus_->Start();
  CodeStore& store = nimbus_->code_store();
  const std::string location = store.BeginUpload();
  store.FinishUpload(location);
  const std::string error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->SubmitTopology("words", location, Workers(1), WordTopology()); });
  EXPECT_NE(error.find("boom"), std::string::npos) << error;
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

// ---- Validation ---------------------------------------------------------------------------

TEST_F(NimbusTest, NamesWithForbiddenCharactersAreRefused) {
  for (const std::string name : {"a/b", "a.b", "a:b", "a\\b", ""}) {
    const std::string error = ErrorOf<InvalidTopologyError>([&] { Submit(name); });
    EXPECT_NE(error.find("topology name"), std::string::npos) << name << ": " << error;
  }
  EXPECT_TRUE(state_->ActiveStorms().empty());
}

TEST_F(NimbusTest, ANameAlreadyAliveIsRefused) {
  Submit("words");
  const std::string error = ErrorOf<AlreadyAliveError>([&] { Submit("words"); });
  EXPECT_NE(error.find("'words' already exists"), std::string::npos) << error;
  EXPECT_EQ(state_->ActiveStorms().size(), 1u);
  EXPECT_EQ(nimbus_->code_store().InstalledIds().size(), 1u);
}

TEST_F(NimbusTest, BadTopologiesAreRefusedWithAClearMessage) {
  struct Case {
    std::string what;
    std::function<StormTopology()> topology;
    std::string expected;  // in the message
  };
  const std::vector<Case> cases = {
      {"input from an unknown component",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).shuffleGrouping("nobody");
         return b.createTopology();
       },
       "nobody"},
      {"input from an unknown stream",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).shuffleGrouping("spout", "nostream");
         return b.createTopology();
       },
       "nostream"},
      {"fields grouping on an undeclared field",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory()).fieldsGrouping("spout", Fields{"colour"});
         return b.createTopology();
       },
       "colour"},
      {"parallelism 0",
       [] {
         TopologyBuilder b;
         b.setSpout("spout", DeclaringSpoutFactory(kWords));
         b.setBolt("bolt", DeclaringBoltFactory(), 0).shuffleGrouping("spout");
         return b.createTopology();
       },
       "parallelism 0"},
  };
  for (const Case& c : cases) {
    const std::string error =
        ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(1), c.topology()); });
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.what << ": " << error;
  }
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

TEST_F(NimbusTest, BadConfigsAreRefusedWithAClearMessage) {
  std::string error = ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(0)); });
  EXPECT_NE(error.find("topology.workers"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>([&] { Submit("bad", Workers(-2)); });
  EXPECT_NE(error.find("topology.workers"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { Submit("bad", Config().put(Config::kTopologyMessageTimeoutSecs, "soon")); });
  EXPECT_NE(error.find("topology.message.timeout.secs"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { Submit("bad", Config().put(Config::kTopologyAckerExecutors, -1)); });
  EXPECT_NE(error.find("topology.acker.executors"), std::string::npos) << error;
  EXPECT_TRUE(state_->ActiveStorms().empty());
  EXPECT_TRUE(nimbus_->code_store().InstalledIds().empty());
}

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
  std::string error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"split", 5}}}, true); });
  EXPECT_NE(error.find("'split' has 4 tasks"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"spout", 0}}}, true); });
  EXPECT_NE(error.find("'spout'"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->Rebalance("words", RebalanceRequest{0, std::nullopt, {{"nope", 1}}}, true); });
  EXPECT_NE(error.find("no component 'nope'"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->Rebalance("words", RebalanceRequest{0, 0, {}}, true); });
  EXPECT_NE(error.find("at least 1"), std::string::npos) << error;
  error = ErrorOf<InvalidTopologyError>(
      [&] { nimbus_->Rebalance("words", RebalanceRequest{-1, 2, {}}, true); });
  EXPECT_NE(error.find("negative"), std::string::npos) << error;
  // Nothing was changed by the refused requests.
  const StormBase base = BaseOf(id);
  EXPECT_EQ(base.status, TopologyStatus::kActive);
  EXPECT_FALSE(base.rebalance);
}

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
      state_->SetWorkerHeartbeat(id, slot, WorkerHeartbeat{id, UnixSecs(), 1, {}});
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
  state_->SetWorkerHeartbeat("ghost-1-1", {"sup-a", 6700}, WorkerHeartbeat{"ghost-1-1", 1, 1, {}});
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
  Submit("words");
  storage_->SetUnavailable(true);
  EXPECT_THROW(nimbus_->RunMonitorOnce(), StateStorageError);
  EXPECT_THROW(Submit("other"), StateStorageError);
  EXPECT_THROW(nimbus_->Deactivate("words"), StateStorageError);
  storage_->SetUnavailable(false);
  nimbus_->RunMonitorOnce();
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

TEST_F(NimbusTest, ConcurrentCallsKeepSlotsExclusive) {
  // Clients on several threads while the monitor runs: no deadlock, no
  // crash, and never two topologies on one slot.
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
  for (int i = 0; i < 6; ++i) ids.push_back(Submit("t" + std::to_string(i), Workers(1 + i % 3)));
  auto check = [&] {
    std::map<WorkerSlot, std::string> owner;
    for (const std::string& id : state_->AssignmentIds()) {
      for (const WorkerSlot& s : SlotsOf(AssignmentOf(id))) {
        auto [it, inserted] = owner.emplace(s, id);
        EXPECT_TRUE(inserted) << s.node << ":" << s.port << " held by " << it->second << " and " << id;
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
  WorkerHeartbeat hb{id, UnixSecs(), 5, {}};
  for (const ExecutorId& e : by_slot.begin()->second) {
    ExecutorBeatStats s;
    s.emitted = 100 + e.first;
    hb.executor_stats[e] = s;
  }
  state_->SetWorkerHeartbeat(id, reporting, hb);
  for (int i = 0; i < 12; ++i) {
    state_->ReportError(id, "split", ErrorRecordInfo{"boom " + std::to_string(i), UnixSecs(), "host-a", 6700});
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
      EXPECT_EQ(e.stats->emitted, 100 + e.executor.first);
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
}  // namespace storm
