// The Supervisor over in-memory cluster state with a fake process launcher:
// it registers, starts one worker per assigned slot after fetching the code,
// restarts workers that exit or stop heartbeating, stops workers whose slot
// goes away, and a restarted supervisor adopts matching workers and kills
// the others.
#include "supervisor/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "common/thrift/thrift_bytes.h"
#include "storm_types.h"
#include "support/temp_dir.h"
#include "support/test_support.h"

namespace storm {
namespace {

using storm::testing::TempDir;
using storm::testing::WaitUntil;

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
      : state_(std::make_shared<ClusterState>(std::make_shared<InMemoryStorage>())),
        launcher_(std::make_shared<FakeLauncher>()) {}

  SupervisorOptions Options() {
    SupervisorOptions o;
    o.conf = DefaultConfig();
    o.conf.put(Config::kStormLocalDir, dir_.path().string());
    o.conf.put("supervisor.slots.ports", std::vector<int64_t>{7000, 7001});
    o.conf.put("supervisor.monitor.frequency.secs", 1);
    o.conf.put("supervisor.worker.timeout.secs", 5);
    o.conf.put("supervisor.worker.shutdown.sleep.secs", 0);
    o.state = state_;
    o.launcher = launcher_;
    o.download = [this](const std::string& id, const std::string&, const std::string& dest) {
      std::ofstream(dest + "/stormjar.so") << (corrupt_download_ ? "garbage" : "\x7f" "ELF library of ") << id;
      std::ofstream(dest + "/stormcode.ser") << ThriftToBytes(gen::StormTopology());
      std::ofstream(dest + "/stormconf.ser") << "{}";
      ++downloads_;
    };
    o.hostname = "host-a";
    return o;
  }

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
    s.Stop();
    EXPECT_FALSE(state_->GetSupervisor(id).has_value());
  }
  Supervisor again(Options());
  again.Start();
  EXPECT_EQ(again.id(), id) << "the id is kept in storm.local.dir";
}

TEST_F(SupervisorTest, StartsOneWorkerPerAssignedSlotAfterFetchingTheCode) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000, 7001});
  Assign("other-1-1", "another-supervisor", {7000});
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 2; }));
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
}

TEST_F(SupervisorTest, ACorruptDownloadIsNotInstalledAndNoWorkerStarts) {
  corrupt_download_ = true;
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  ASSERT_TRUE(WaitUntil([&] { return downloads_.load() >= 2; }));  // tried again each sync
  EXPECT_TRUE(s.WorkerPids().empty());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1"));
  corrupt_download_ = false;
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 1; }));
}

TEST_F(SupervisorTest, RestartsAWorkerThatExits) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 1; }));
  const int first = s.WorkerPids().at(7000);
  launcher_->Crash(first);
  ASSERT_TRUE(WaitUntil([&] {
    auto pids = s.WorkerPids();
    return pids.count(7000) != 0 && pids.at(7000) != first;
  }));
  EXPECT_EQ(launcher_->launched().size(), 2u);
}

TEST_F(SupervisorTest, RestartsAWorkerWhoseHeartbeatStopped) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 1; }));
  const int first = s.WorkerPids().at(7000);
  Beat(launcher_->launched().at(0), Now() - 60, {{1, 1}});  // older than the 5 s timeout
  ASSERT_TRUE(WaitUntil([&] {
    auto pids = s.WorkerPids();
    return pids.count(7000) != 0 && pids.at(7000) != first;
  }));
  EXPECT_FALSE(launcher_->Alive(first, launcher_->launched().at(0).worker_id));
}

TEST_F(SupervisorTest, StopsWorkersAndRemovesCodeWhenTheSlotGoes) {
  Supervisor s(Options());
  s.Start();
  Assign("topo-1-1", s.id(), {7000});
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 1; }));
  state_->RemoveAssignment("topo-1-1");
  ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().empty() && launcher_->running() == 0; }));
  EXPECT_TRUE(WaitUntil(
      [&] { return !std::filesystem::exists(dir_.path() / "supervisor/stormdist/topo-1-1"); }));
}

TEST_F(SupervisorTest, ARestartedSupervisorAdoptsMatchingWorkersAndKillsTheRest) {
  std::vector<WorkerLaunchSpec> before;
  {
    Supervisor s(Options());
    s.Start();
    Assign("topo-1-1", s.id(), {7000, 7001});
    ASSERT_TRUE(WaitUntil([&] { return s.WorkerPids().size() == 2; }));
    before = launcher_->launched();
    s.Stop();  // workers keep running
  }
  ASSERT_EQ(launcher_->running(), 2u);
  // The worker on 7000 heartbeats its assignment; the one on 7001 reports
  // executors it no longer has.
  for (const auto& spec : before) {
    Beat(spec, Now(), spec.port == 7000 ? std::vector<ExecutorId>{{1, 1}}
                                        : std::vector<ExecutorId>{{9, 9}});
  }
  Supervisor again(Options());
  again.Start();
  ASSERT_TRUE(WaitUntil([&] { return again.WorkerPids().size() == 2; }));
  const auto pids = again.WorkerPids();
  const WorkerLaunchSpec& kept = before[0].port == 7000 ? before[0] : before[1];
  EXPECT_TRUE(launcher_->Alive(pids.at(7000), kept.worker_id)) << "the matching worker is adopted";
  EXPECT_EQ(launcher_->launched().size(), 3u) << "only the mismatched slot gets a new worker";
  EXPECT_EQ(launcher_->running(), 2u) << "never two workers on one port";
}

}  // namespace
}  // namespace storm
