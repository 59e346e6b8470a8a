// The Supervisor over in-memory cluster state with a fake process launcher,
// driven one SyncOnce() at a time on a ManualClock: it registers and
// refreshes its registration, starts one worker per assigned slot after
// fetching the code, restarts workers that exit, stop heartbeating or never
// start heartbeating, stops workers whose slot goes away, and a restarted
// supervisor adopts matching workers and kills the others. One test runs
// the daemon's own thread, woken by the assignment's watch.
#include "supervisor/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "common/thrift/thrift_bytes.h"
#include "common/util/clock.h"
#include "storm_types.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

namespace storm {
namespace {

using storm::testing::TempDir;
using storm::testing::WaitUntil;

constexpr int64_t kEpochSecs = 1'700'000'000;

// Processes that exist only as entries of a table; "running" until killed.
class FakeLauncher final : public WorkerLauncher {
 public:
  int Launch(const WorkerLaunchSpec& spec) override {
    std::lock_guard<std::mutex> lock(mutex_);
    const int pid = next_pid_++;
    launched_.push_back(spec);
    running_[pid] = spec.worker_id;
    return pid;
  }
  bool Alive(int pid, const std::string& worker_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = running_.find(pid);
    return it != running_.end() && it->second == worker_id;
  }
  void Signal(int pid, int) override { Crash(pid); }
  void Crash(int pid) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(pid);
  }
  void Pretend(int pid, const std::string& worker_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_[pid] = worker_id;
  }
  std::vector<WorkerLaunchSpec> launched() {
    std::lock_guard<std::mutex> lock(mutex_);
    return launched_;
  }
  size_t running() {
    std::lock_guard<std::mutex> lock(mutex_);
    return running_.size();
  }

 private:
  std::mutex mutex_;
  int next_pid_ = 1000;
  std::vector<WorkerLaunchSpec> launched_;
  std::map<int, std::string> running_;
};

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest()
      : state_(std::make_shared<ClusterState>(storage_)),
        launcher_(std::make_shared<FakeLauncher>()) {}

  SupervisorOptions Options() {
    SupervisorOptions o;
    o.conf = DefaultConfig();
    o.conf.put(Config::kStormLocalDir, dir_.path().string());
    o.conf.put("supervisor.slots.ports", std::vector<int64_t>{7000, 7001});
    o.conf.put("supervisor.monitor.frequency.secs", 1);
    o.conf.put("supervisor.heartbeat.frequency.secs", 5);
    o.conf.put("supervisor.worker.timeout.secs", 5);
    o.conf.put("supervisor.worker.start.timeout.secs", 120);
    o.conf.put("supervisor.worker.shutdown.sleep.secs", 0);
    o.state = state_;
    o.launcher = launcher_;
    o.download = [this](const std::string& id, const std::string&, const std::string& dest) {
      std::ofstream(dest + "/stormjar.so") << (corrupt_download_ ? "garbage" : "\x7f" "ELF library of ") << id;
      std::ofstream(dest + "/stormcode.ser") << ThriftToBytes(gen::StormTopology());
      std::ofstream(dest + "/stormconf.ser") << "{}";
      ++downloads_;
    };
    o.clock = &clock_;
    o.unix_secs = [this] { return UnixSecs(); };
    o.hostname = "host-a";
    o.run_sync_thread = false;  // the tests call SyncOnce()
    return o;
  }
  int64_t UnixSecs() const { return kEpochSecs + clock_.NowNanos() / 1'000'000'000; }

  void Assign(const std::string& topology, const std::string& node, std::vector<int> ports) {
    Assignment a;
    a.master_code_dir = "/nimbus/stormdist/" + topology;
    int task = 1;
    for (int port : ports) {
      a.executor_slot[{task, task}] = WorkerSlot{node, port};
      ++task;
    }
    state_->SetAssignment(topology, a);
  }

  // Writes the local heartbeat a worker would.
  void Beat(const WorkerLaunchSpec& spec, int64_t time_secs, std::vector<ExecutorId> executors) {
    LocalState local(dir_.path().string());
    local.WriteHeartbeat(spec.worker_id, LocalWorkerHeartbeat{time_secs, spec.topology_id,
                                                              executors, spec.port});
  }

  TempDir dir_;
  ManualClock clock_;
  std::shared_ptr<InMemoryStorage> storage_ = std::make_shared<InMemoryStorage>();
  std::shared_ptr<ClusterState> state_;
  std::shared_ptr<FakeLauncher> launcher_;
  std::atomic<int> downloads_{0};
  std::atomic<bool> corrupt_download_{false};
};

TEST_F(SupervisorTest, RegistersWithItsSlotsAndKeepsItsId) {
  std::string id;
  {
    Supervisor s(Options());
    s.Start();
    id = s.id();
    auto info = state_->GetSupervisor(id);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->hostname, "host-a");
    EXPECT_EQ(info->slots, (std::vector<int>{7000, 7001}));
    EXPECT_EQ(info->time_secs, UnixSecs());
    s.Stop();
    EXPECT_FALSE(state_->GetSupervisor(id).has_value());
  }
  Supervisor again(Options());
  again.Start();
  EXPECT_EQ(again.id(), id) << "the id is kept in storm.local.dir";
}

TEST_F(SupervisorTest, RefreshesItsRegistrationEveryHeartbeatPeriod) {
  Supervisor s(Options());
  s.Start();
  const int64_t registered = UnixSecs();
  Assign("topo-1-1", s.id(), {7001});
  clock_.AdvanceSecs(4);
  s.SyncOnce();  // starts the worker; the registration is 4 s old
  auto info = state_->GetSupervisor(s.id());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->time_secs, registered);
  EXPECT_TRUE(info->used_ports.empty());
  clock_.AdvanceSecs(1);
  s.SyncOnce();  // 5 s: supervisor.heartbeat.frequency.secs
  info = state_->GetSupervisor(s.id());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->time_secs, registered + 5);
  EXPECT_EQ(info->uptime_secs, 5);
  EXPECT_EQ(info->used_ports, std::vector<int>{7001});
}

TEST_F(SupervisorTest, StartsOneWorkerPerAssignedSlotAfterFetchingTheCode) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000, 7001});
  Assign("other-1-1", "another-supervisor", {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().size(), 2u);
  EXPECT_EQ(downloads_.load(), 1);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1/stormjar.so"));
  std::set<int> ports;
  for (const auto& spec : launcher_->launched()) {
    EXPECT_EQ(spec.topology_id, "topo-1-1");
    EXPECT_EQ(spec.supervisor_id, s.id());
    EXPECT_TRUE(std::filesystem::exists(spec.conf_file)) << spec.conf_file;
    ports.insert(spec.port);
  }
  EXPECT_EQ(ports, (std::set<int>{7000, 7001}));
  // A round with nothing changed changes nothing.
  s.SyncOnce();
  EXPECT_EQ(launcher_->launched().size(), 2u);
  EXPECT_EQ(downloads_.load(), 1);
}

TEST_F(SupervisorTest, AnAssignedPortThatIsNotOneOfItsSlotsIsIgnored) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000, 7999});
  s.SyncOnce();
  EXPECT_EQ(s.WorkerPids().size(), 1u);
  EXPECT_EQ(s.WorkerPids().count(7000), 1u);
}

TEST_F(SupervisorTest, ACorruptDownloadIsNotInstalledAndNoWorkerStarts) {
  corrupt_download_ = true;
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  EXPECT_EQ(downloads_.load(), 1);
  EXPECT_TRUE(s.WorkerPids().empty());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1"));
  s.SyncOnce();
  EXPECT_EQ(downloads_.load(), 2) << "tried again each round";
  EXPECT_TRUE(s.WorkerPids().empty());
  corrupt_download_ = false;
  s.SyncOnce();
  EXPECT_EQ(s.WorkerPids().size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1/stormjar.so"));
}

TEST_F(SupervisorTest, RestartsAWorkerThatExits) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().size(), 1u);
  const int first = s.WorkerPids().at(7000);
  launcher_->Crash(first);
  s.SyncOnce();
  const auto pids = s.WorkerPids();
  ASSERT_EQ(pids.count(7000), 1u);
  EXPECT_NE(pids.at(7000), first);
  EXPECT_EQ(launcher_->launched().size(), 2u);
  EXPECT_EQ(downloads_.load(), 1) << "the code is kept";
}

TEST_F(SupervisorTest, RestartsAWorkerWhoseHeartbeatStopped) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().size(), 1u);
  const int first = s.WorkerPids().at(7000);
  const WorkerLaunchSpec spec = launcher_->launched().at(0);
  const std::string worker_dir = LocalState(dir_.path().string()).WorkerDir(spec.worker_id);
  ASSERT_TRUE(std::filesystem::exists(worker_dir));
  Beat(spec, UnixSecs(), {{1, 1}});
  clock_.AdvanceSecs(5);  // supervisor.worker.timeout.secs: not older than it yet
  s.SyncOnce();
  EXPECT_EQ(s.WorkerPids().at(7000), first);
  clock_.AdvanceSecs(1);
  s.SyncOnce();
  const auto pids = s.WorkerPids();
  ASSERT_EQ(pids.count(7000), 1u);
  EXPECT_NE(pids.at(7000), first);
  EXPECT_FALSE(launcher_->Alive(first, spec.worker_id));
  EXPECT_FALSE(std::filesystem::exists(worker_dir)) << "the stopped worker's dir is removed";
}

TEST_F(SupervisorTest, RestartsAWorkerThatNeverHeartbeatsAfterTheStartTimeout) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  const int first = s.WorkerPids().at(7000);
  clock_.AdvanceSecs(120);  // supervisor.worker.start.timeout.secs: still starting
  s.SyncOnce();
  EXPECT_EQ(s.WorkerPids().at(7000), first);
  clock_.AdvanceSecs(1);
  s.SyncOnce();
  EXPECT_NE(s.WorkerPids().at(7000), first);
  EXPECT_FALSE(launcher_->Alive(first, launcher_->launched().at(0).worker_id));
}

TEST_F(SupervisorTest, StopsWorkersAndRemovesCodeWhenTheSlotGoes) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().size(), 1u);
  state_->RemoveAssignment("topo-1-1");
  s.SyncOnce();
  EXPECT_TRUE(s.WorkerPids().empty());
  EXPECT_EQ(launcher_->running(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1"));
}

TEST_F(SupervisorTest, AWorkerWhoseSlotIsReassignedIsReplaced) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  const int first = s.WorkerPids().at(7000);
  state_->RemoveAssignment("topo-1-1");
  Assign("next-2-2", s.id(), {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().count(7000), 1u);
  EXPECT_NE(s.WorkerPids().at(7000), first);
  EXPECT_EQ(launcher_->launched().back().topology_id, "next-2-2");
  EXPECT_EQ(launcher_->running(), 1u) << "never two workers on one port";
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1"));
}

TEST_F(SupervisorTest, ARestartedSupervisorAdoptsMatchingWorkersAndKillsTheRest) {
  std::vector<WorkerLaunchSpec> before;
  {
    Supervisor s(Options());
    s.Start();
    Assign("topo-1-1", s.id(), {7000, 7001});
    s.SyncOnce();
    ASSERT_EQ(s.WorkerPids().size(), 2u);
    before = launcher_->launched();
    s.Stop();  // workers keep running
  }
  ASSERT_EQ(launcher_->running(), 2u);
  // The worker on 7000 heartbeats its assignment; the one on 7001 reports
  // executors it no longer has.
  for (const auto& spec : before) {
    Beat(spec, UnixSecs(),
         spec.port == 7000 ? std::vector<ExecutorId>{{1, 1}} : std::vector<ExecutorId>{{9, 9}});
  }
  Supervisor again(Options());
  again.Start();
  EXPECT_EQ(again.WorkerPids().size(), 1u) << "adopted at start, before any round";
  again.SyncOnce();
  ASSERT_EQ(again.WorkerPids().size(), 2u);
  const auto pids = again.WorkerPids();
  const WorkerLaunchSpec& kept = before[0].port == 7000 ? before[0] : before[1];
  EXPECT_TRUE(launcher_->Alive(pids.at(7000), kept.worker_id)) << "the matching worker is adopted";
  EXPECT_EQ(launcher_->launched().size(), 3u) << "only the mismatched slot gets a new worker";
  EXPECT_EQ(launcher_->running(), 2u) << "never two workers on one port";
}

// While ZooKeeper is away (issue 21) the supervisor runs its workers as the
// local copy of the assignments says: a worker that dies is restarted; the
// registration waits for ZooKeeper's return. A topology it never read is
// not started until then.
TEST_F(SupervisorTest, WhileTheClusterStateIsAwayWorkersRunFromTheLocalCopy) {
  Supervisor s(Options());
  s.Start();
  StormBase base;
  base.name = "topo";
  state_->SetStormBase("topo-1-1", base);
  Assign("topo-1-1", s.id(), {7000});
  s.SyncOnce();
  ASSERT_EQ(s.WorkerPids().size(), 1u);
  LocalState local(dir_.path().string());
  ASSERT_TRUE(local.ReadTopologyCopy("topo-1-1"));
  EXPECT_EQ(local.ReadTopologyCopy("topo-1-1")->base.name, "topo");

  storage_->SetUnavailable(true);
  const int first = s.WorkerPids().at(7000);
  launcher_->Crash(first);
  EXPECT_NO_THROW(s.SyncOnce());
  ASSERT_EQ(s.WorkerPids().count(7000), 1u) << "not restarted without ZooKeeper";
  EXPECT_NE(s.WorkerPids().at(7000), first);
  EXPECT_EQ(launcher_->launched().size(), 2u);

  storage_->SetUnavailable(false);
  Assign("topo-2-1", s.id(), {7001});  // seen once ZooKeeper is back
  s.SyncOnce();
  EXPECT_EQ(s.WorkerPids().size(), 2u);
  EXPECT_FALSE(local.ReadTopologyCopy("topo-2-1")) << "no copy of a topology without a base";
}

// The daemon's thread runs the same round, woken by the assignment's watch
// (the monitor period is an hour here: only the watch can wake it in time).
TEST_F(SupervisorTest, TheDaemonThreadSyncsWhenTheAssignmentChanges) {
  SupervisorOptions o = Options();
  o.run_sync_thread = true;
  o.conf.put("supervisor.monitor.frequency.secs", 3600);
  Supervisor s(o);
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 1; }));
  state_->RemoveAssignment("topo-1-1");
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().empty() && launcher_->running() == 0; }));
  s.Stop();
  EXPECT_FALSE(state_->GetSupervisor(s.id()).has_value());
}

}  // namespace
}  // namespace storm
