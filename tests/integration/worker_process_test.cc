// storm-worker as a supervisor runs it: real OS processes over a real
// ZooKeeper, the test standing in for Nimbus (it writes StormBase and the
// Assignment itself) and for two supervisors (their local dirs, the code in
// them, each worker's worker.yaml). Two workers split the exclamation
// example so that every tuple tree crosses between them over TCP; they
// heartbeat locally and to /workerbeats with growing stats, stop emitting
// when the topology is deactivated, and exit 0 when their slot goes or on
// SIGTERM, at once even when ZooKeeper has gone. Fatal problems (no
// library, the port taken, no ZooKeeper) make the worker exit non-zero with
// the reason in its log.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "common/state/cluster_state.h"
#include "common/state/local_state.h"
#include "common/state/zookeeper_storage.h"
#include "support/ports.h"
#include "support/processes.h"
#include "support/temp_dir.h"
#include "support/test_support.h"
#include "support/topology_code.h"
#include "support/zookeeper_server.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::ReadFile;
using testing::TempDir;
using testing::TopologyCode;
using testing::WaitUntil;

std::string WorkerBinary() { return testing::BuildDir() + "/bin/storm-worker"; }

// Waits for the daemon to exit; its exit description, or "" if it did not.
std::string WaitForExit(DaemonProcess& daemon, std::chrono::milliseconds timeout) {
  if (!WaitUntil([&] { return !daemon.Alive(); }, timeout)) return "";
  return daemon.exit_description();
}

// One host's supervisor as far as its workers can tell: a local dir with the
// topology's code in it, and a worker.yaml per worker it starts.
class FakeSupervisor {
 public:
  FakeSupervisor(std::string id, nlohmann::json cluster_conf)
      : id_(std::move(id)), local_(dir_.path().string()), conf_(std::move(cluster_conf)) {
    conf_["storm.local.dir"] = dir_.path().string();
  }

  const std::string& id() const { return id_; }
  const LocalState& local() const { return local_; }
  nlohmann::json& conf() { return conf_; }

  // Starts `storm-worker` for the slot, as the supervisor's launcher does
  // (its output appended to the worker's log).
  std::unique_ptr<DaemonProcess> StartWorker(const std::string& topology_id, int port,
                                             const std::string& worker_id) {
    fs::create_directories(local_.WorkerDir(worker_id));
    std::ofstream(local_.WorkerConfFile(worker_id)) << conf_.dump(2);
    const fs::path log = local_.WorkerLogFile(topology_id, port);
    fs::create_directories(log.parent_path());
    auto worker = std::make_unique<DaemonProcess>(
        std::vector<std::string>{WorkerBinary(), "--topology-id", topology_id, "--supervisor-id",
                                 id_, "--port", std::to_string(port), "--worker-id", worker_id,
                                 "--config", local_.WorkerConfFile(worker_id)},
        log);
    worker->Start();
    return worker;
  }

 private:
  std::string id_;
  TempDir dir_;
  LocalState local_;
  nlohmann::json conf_;
};

class WorkerProcessIntegrationTest : public ::testing::Test {
 protected:
  WorkerProcessIntegrationTest()
      : zookeeper_(testing::AnyZooKeeper()),
        root_(testing::UniqueTestRoot()),
        state_(std::make_shared<ClusterState>(
            ZooKeeperStorage::Connect(testing::TestZooKeeperOptions(zookeeper_, root_)))),
        sup_a_("sup-a", ClusterConf()),
        sup_b_("sup-b", ClusterConf()),
        slot_a_{"sup-a", testing::FreePort()},
        slot_b_{"sup-b", testing::FreePort()} {}

  void SetUp() override {
    code_ = testing::MakeTopologyCode(testing::ExamplesDir() + "/libexclamation.so", "ex");
    code_.conf.put(Config::kTopologyMessageTimeoutSecs, 5);
    code_.Install(sup_a_.local().CodeDir(kId));
    code_.Install(sup_b_.local().CodeDir(kId));
    state_->SetStormBase(kId, code_.Base());
  }

  nlohmann::json ClusterConf() const {
    const size_t colon = zookeeper_.rfind(':');
    nlohmann::json conf;
    conf["storm.zookeeper.servers"] = {zookeeper_.substr(0, colon)};
    conf["storm.zookeeper.port"] = std::stoi(zookeeper_.substr(colon + 1));
    conf["storm.zookeeper.root"] = root_;
    conf["storm.zookeeper.session.timeout"] = 5000;
    conf["storm.zookeeper.connection.timeout"] = 5000;
    conf["worker.heartbeat.frequency.secs"] = 1;
    return conf;
  }

  // Spouts on A, exclaim1 on B, exclaim2 on A, one acker on each: every
  // tuple tree crosses between the two processes at every step.
  Assignment Split() const {
    Assignment a = code_.AssignRoundRobin({slot_a_}, {{"sup-a", "127.0.0.1"},
                                                      {"sup-b", "127.0.0.1"},
                                                      {"sup-c", "127.0.0.1"}});
    int acker = 0;
    for (const ExecutorDef& e : code_.layout->executors()) {
      WorkerSlot slot = slot_a_;
      if (e.component == "exclaim1") slot = slot_b_;
      if (e.component == kAckerComponentId && acker++ % 2 == 1) slot = slot_b_;
      a.executor_slot[{e.first_task, e.last_task}] = slot;
    }
    return a;
  }

  // Sum of one stat over the executors of `component` in the slot's beat in
  // ZooKeeper; -1 when there is no beat.
  int64_t Stat(const WorkerSlot& slot, const std::string& component,
               int64_t (WindowStats::*field)() const) {
    auto beat = state_->GetWorkerHeartbeat(kId, slot);
    if (!beat) return -1;
    int64_t sum = 0;
    for (const auto& [executor, stats] : beat->executor_stats) {
      const std::string* c = code_.layout->ComponentOfTask(executor.first);
      if (c != nullptr && *c == component) sum += (stats.AllTime().*field)();
    }
    return sum;
  }

  // Waits until the stat has grown past `than`; false when it did not.
  bool Grows(const WorkerSlot& slot, const std::string& component,
             int64_t (WindowStats::*field)() const, int64_t than) {
    return WaitUntil([&] { return Stat(slot, component, field) > than; }, 30s);
  }

  // Waits until the slot's worker has written a heartbeat to ZooKeeper at
  // least `beats` seconds (beats, at one a second) after its current one.
  bool WaitForBeats(const WorkerSlot& slot, int beats) {
    const auto first = state_->GetWorkerHeartbeat(kId, slot);
    const int64_t from = first ? first->time_secs : 0;
    return WaitUntil([&] {
      const auto beat = state_->GetWorkerHeartbeat(kId, slot);
      return beat && beat->time_secs >= from + beats;
    }, 30s);
  }

  static constexpr const char* kId = "ex-1-1700000000";
  std::string zookeeper_;
  std::string root_;
  std::shared_ptr<ClusterState> state_;
  FakeSupervisor sup_a_;
  FakeSupervisor sup_b_;
  WorkerSlot slot_a_;
  WorkerSlot slot_b_;
  TopologyCode code_;
};

TEST_F(WorkerProcessIntegrationTest, TwoWorkerProcessesRunATopologyOverTcpAndFollowTheCluster) {
  state_->SetAssignment(kId, Split());
  auto worker_a = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  auto worker_b = sup_b_.StartWorker(kId, slot_b_.port, "worker-b");

  // Local heartbeats for the supervisors, and the pid files.
  ASSERT_TRUE(WaitUntil([&] {
    return sup_a_.local().ReadHeartbeat("worker-a") && sup_b_.local().ReadHeartbeat("worker-b");
  }, 30s)) << worker_a->LogTail() << worker_b->LogTail();
  auto local_b = sup_b_.local().ReadHeartbeat("worker-b");
  EXPECT_EQ(local_b->topology_id, kId);
  EXPECT_EQ(local_b->port, slot_b_.port);
  EXPECT_EQ(local_b->executors.size(), 4u);  // 3 x exclaim1, 1 acker
  EXPECT_EQ(std::stoi(ReadFile(sup_a_.local().WorkerPidFile("worker-a"))), worker_a->pid());
  const int64_t first_beat = local_b->time_secs;
  EXPECT_TRUE(WaitUntil([&] {
    return sup_b_.local().ReadHeartbeat("worker-b")->time_secs > first_beat;
  }, 10s)) << "the local heartbeat is not rewritten";

  // Tuples cross both ways over TCP: exclaim1 runs only in B and is fed by
  // A's spouts, exclaim2 only in A and is fed by B, and the trees are acked.
  ASSERT_TRUE(Grows(slot_b_, "exclaim1", &WindowStats::Executed, 1000))
      << worker_b->LogTail();
  ASSERT_TRUE(Grows(slot_a_, "exclaim2", &WindowStats::Executed, 1000))
      << worker_a->LogTail();
  ASSERT_TRUE(Grows(slot_a_, "word", &WindowStats::Acked, 1000)) << worker_a->LogTail();
  const int64_t executed = Stat(slot_b_, "exclaim1", &WindowStats::Executed);
  EXPECT_TRUE(Grows(slot_b_, "exclaim1", &WindowStats::Executed, executed));
  auto beat = state_->GetWorkerHeartbeat(kId, slot_a_);
  ASSERT_TRUE(beat);
  EXPECT_EQ(beat->topology_id, kId);
  for (const auto& [executor, stats] : beat->executor_stats) {
    if (stats.is_spout) {
      EXPECT_GT(stats.AllTime().Emitted(), 0);
      ASSERT_FALSE(stats.AllTime().complete_ms_avg.empty());
      EXPECT_GT(stats.AllTime().complete_ms_avg.begin()->second, 0.0);
    }
  }

  // Deactivated: the spouts' emitted counts stop growing (once what is in
  // flight is through and a beat has been written); activated, they grow.
  state_->SetStormBase(kId, code_.Base(TopologyStatus::kInactive));
  int64_t stopped_at = -1;
  ASSERT_TRUE(WaitUntil([&] {
    const int64_t now = Stat(slot_a_, "word", &WindowStats::Emitted);
    if (!WaitForBeats(slot_a_, 1)) return false;
    stopped_at = Stat(slot_a_, "word", &WindowStats::Emitted);
    return now == stopped_at;
  }, 30s));
  ASSERT_TRUE(WaitForBeats(slot_a_, 2));
  EXPECT_EQ(Stat(slot_a_, "word", &WindowStats::Emitted), stopped_at);
  state_->SetStormBase(kId, code_.Base(TopologyStatus::kActive));
  EXPECT_TRUE(Grows(slot_a_, "word", &WindowStats::Emitted, stopped_at + 1000));

  // B's slot is no longer assigned (its executors move to a slot of another
  // supervisor, whose worker is not started here): B exits 0 and takes its
  // beat along; A keeps running and sends to the new place.
  Assignment moved = Split();
  const testing::RefusingPort no_worker_at_c;  // held: nobody else listens there meanwhile
  const WorkerSlot slot_c{"sup-c", no_worker_at_c.port()};
  for (auto& [executor, slot] : moved.executor_slot) {
    if (slot == slot_b_) slot = slot_c;
  }
  state_->SetAssignment(kId, moved);
  EXPECT_EQ(WaitForExit(*worker_b, 30s), "exit status 0") << worker_b->LogTail();
  EXPECT_NE(ReadFile(worker_b->log_path()).find("its slot is no longer assigned"),
            std::string::npos)
      << worker_b->LogTail();
  EXPECT_TRUE(WaitUntil([&] { return !state_->GetWorkerHeartbeat(kId, slot_b_); }, 10s));
  EXPECT_TRUE(WaitForBeats(slot_a_, 2)) << worker_a->LogTail();  // still beating
  EXPECT_TRUE(worker_a->Alive()) << worker_a->LogTail();

  EXPECT_NE(ReadFile(worker_a->log_path()).find("re-routing"), std::string::npos)
      << worker_a->LogTail();

  // SIGTERM: a clean stop (SIGKILL only if it hangs, which fails the test).
  worker_a->Stop(20s);
  EXPECT_EQ(worker_a->exit_description(), "exit status 0") << worker_a->LogTail();
  EXPECT_FALSE(state_->GetWorkerHeartbeat(kId, slot_a_));
}

TEST_F(WorkerProcessIntegrationTest, AMissingLibraryIsAFatalErrorWithTheReasonInTheLog) {
  fs::remove(fs::path(sup_a_.local().CodeDir(kId)) / "stormjar.so");
  state_->SetAssignment(kId, Split());
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  EXPECT_EQ(WaitForExit(*worker, 30s), "exit status 1") << worker->LogTail();
  const std::string log = ReadFile(worker->log_path());
  EXPECT_NE(log.find("stormjar.so"), std::string::npos) << log;
  EXPECT_NE(log.find("error [worker]"), std::string::npos) << log;
}

TEST_F(WorkerProcessIntegrationTest, APortInUseIsAFatalError) {
  // Something else listens on the slot's port.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(slot_a_.port));
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  state_->SetAssignment(kId, Split());
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  EXPECT_EQ(WaitForExit(*worker, 30s), "exit status 1") << worker->LogTail();
  EXPECT_NE(ReadFile(worker->log_path()).find(std::to_string(slot_a_.port)), std::string::npos)
      << worker->LogTail();
  ::close(fd);
}

TEST_F(WorkerProcessIntegrationTest, ASlotWithNothingAssignedExitsZero) {
  state_->SetAssignment(kId, code_.AssignRoundRobin({slot_b_}, {{"sup-b", "127.0.0.1"}}));
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  EXPECT_EQ(WaitForExit(*worker, 30s), "exit status 0") << worker->LogTail();
}

// With neither ZooKeeper nor its supervisor's copy of the assignment, a
// worker has nothing to run: it fails once the retries are spent.
TEST_F(WorkerProcessIntegrationTest, NoZooKeeperAndNoLocalCopyAtStartIsAFatalError) {
  const testing::RefusingPort no_zookeeper;
  sup_a_.conf()["storm.zookeeper.servers"] = {"127.0.0.1"};
  sup_a_.conf()["storm.zookeeper.port"] = no_zookeeper.port();
  sup_a_.conf()["storm.zookeeper.retry.times"] = 1;
  sup_a_.conf()["storm.zookeeper.retry.interval"] = 200;
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  EXPECT_EQ(WaitForExit(*worker, 30s), "exit status 1") << worker->LogTail();
  EXPECT_NE(ReadFile(worker->log_path()).find("ZooKeeper"), std::string::npos)
      << worker->LogTail();
}

// A worker (re)started while ZooKeeper is away runs from the copy of the
// assignment its supervisor keeps (issue 21): its executors run, its local
// heartbeat goes on, and it says that the cluster heartbeats wait.
TEST_F(WorkerProcessIntegrationTest, AWorkerStartsFromItsSupervisorsCopyWithoutZooKeeper) {
  const testing::RefusingPort no_zookeeper;
  sup_a_.local().WriteTopologyCopy(
      kId, LocalState::TopologyCopy{code_.Base(),
                                    code_.AssignRoundRobin({slot_a_}, {{"sup-a", "127.0.0.1"}})});
  sup_a_.conf()["storm.zookeeper.servers"] = {"127.0.0.1"};
  sup_a_.conf()["storm.zookeeper.port"] = no_zookeeper.port();
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  ASSERT_TRUE(WaitUntil([&] {
    return ReadFile(worker->log_path()).find("worker: running") != std::string::npos;
  }, 30s)) << worker->LogTail();
  EXPECT_TRUE(WaitUntil([&] {
    return ReadFile(worker->log_path()).find("ZooKeeper is unreachable; processing goes on") !=
           std::string::npos;
  }, 30s)) << worker->LogTail();
  const auto first = sup_a_.local().ReadHeartbeat("worker-a");
  ASSERT_TRUE(first);
  EXPECT_TRUE(WaitUntil([&] {
    auto hb = sup_a_.local().ReadHeartbeat("worker-a");
    return hb && hb->time_secs > first->time_secs;
  }, 10s)) << "the local heartbeat stopped" << worker->LogTail();
  EXPECT_TRUE(sup_a_.local().ReadWorkerStats("worker-a"));
  worker->Stop(20s);
  EXPECT_EQ(worker->exit_description(), "exit status 0") << worker->LogTail();
}

// With ZooKeeper gone, every call of the worker retries for about 31 s
// (storm.zookeeper.retry.*); SIGTERM must not wait for that, or the
// supervisor SIGKILLs the worker before its executors close.
TEST_F(WorkerProcessIntegrationTest, AWorkerThatLostZooKeeperStopsAtOnceOnSigterm) {
  testing::ZooKeeperServer own;  // this test stops it
  auto state = std::make_shared<ClusterState>(
      ZooKeeperStorage::Connect(testing::TestZooKeeperOptions(own, root_)));
  state->SetStormBase(kId, code_.Base());
  state->SetAssignment(kId, code_.AssignRoundRobin({slot_a_}, {{"sup-a", "127.0.0.1"}}));
  sup_a_.conf()["storm.zookeeper.servers"] = {"127.0.0.1"};
  sup_a_.conf()["storm.zookeeper.port"] = own.port();
  auto worker = sup_a_.StartWorker(kId, slot_a_.port, "worker-a");
  ASSERT_TRUE(WaitUntil([&] { return state->GetWorkerHeartbeat(kId, slot_a_).has_value(); }, 30s))
      << worker->LogTail();

  own.Stop();
  ASSERT_TRUE(WaitUntil([&] {
    return ReadFile(worker->log_path()).find("lost the connection to ZooKeeper") !=
           std::string::npos;
  }, 30s)) << worker->LogTail();
  ::kill(worker->pid(), SIGTERM);
  EXPECT_EQ(WaitForExit(*worker, 10s), "exit status 0")
      << "the worker did not exit within 10 s of SIGTERM" << worker->LogTail();
  EXPECT_NE(ReadFile(worker->log_path()).find("worker: stopping (told to stop)"), std::string::npos)
      << worker->LogTail();
}

}  // namespace
}  // namespace storm
