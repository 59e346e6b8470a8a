// WorkerProcess in-process: two of them over in-memory cluster state and an
// in-process transport, running the exclamation example's code from a
// supervisor-style code dir. They run their executors and exchange tuples,
// heartbeat locally and to /workerbeats with stats, follow the topology's
// status, end when their slot goes, changes or the topology goes, re-route
// tasks that moved, report task errors to /errors, and refuse code that is
// missing or does not build the topology.
#include "worker/worker_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "support/temp_dir.h"
#include "support/test_support.h"
#include "support/topology_code.h"

namespace storm {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::TopologyCode;
using testing::WaitUntil;

const WorkerSlot kSlotA{"sup-a", 6701};
const WorkerSlot kSlotB{"sup-b", 6702};
const WorkerSlot kSlotC{"sup-c", 6703};
const std::map<std::string, std::string> kHosts = {
    {"sup-a", "host-a"}, {"sup-b", "host-b"}, {"sup-c", "host-c"}};

// Every WorkerProcess gets its own Transport object; they all forward to one
// InProcessTransport, which is what connects workers of one process. A frame
// for a worker that is not bound is dropped at once, as a process that is
// gone would lose it (the in-process transport would wait 10 s for it to
// bind, longer than these tests wait for a worker to stop).
class SharedTransport final : public Transport {
 public:
  explicit SharedTransport(InProcessTransport* shared) : shared_(shared) {}
  uint16_t Bind(const std::string& endpoint, FrameSink* sink) override {
    return shared_->Bind(endpoint, sink);
  }
  void Unbind(const std::string& endpoint) override { shared_->Unbind(endpoint); }
  std::unique_ptr<Connection> Connect(const std::string& endpoint) override {
    return std::make_unique<DroppingConnection>(shared_, endpoint);
  }

 private:
  class DroppingConnection final : public Connection {
   public:
    DroppingConnection(InProcessTransport* shared, std::string endpoint)
        : shared_(shared), endpoint_(std::move(endpoint)) {}
    bool Send(FrameBytes& frame) override {
      switch (shared_->Push(endpoint_, frame, &closed_)) {
        case InProcessTransport::PushResult::kPushed:
          return true;
        case InProcessTransport::PushResult::kNotBound:
          frame.clear();
          return true;
        case InProcessTransport::PushResult::kRefused:
          break;
      }
      return false;
    }
    void Close() override {
      closed_.store(true);
      shared_->WakeSenders(endpoint_);
    }

   private:
    InProcessTransport* shared_;
    std::string endpoint_;
    std::atomic<bool> closed_{false};
  };

  InProcessTransport* shared_;
};

// A started WorkerProcess whose Run goes on a thread of its own; stopped
// when the test is over.
struct RunningWorker {
  RunningWorker() = default;
  RunningWorker(RunningWorker&&) = default;
  ~RunningWorker() {
    if (process) process->RequestStop();
    if (exit.valid()) exit.wait();
  }

  std::unique_ptr<WorkerProcess> process;
  std::future<WorkerExit> exit;

  bool Ended(std::chrono::milliseconds within) {
    return exit.wait_for(within) == std::future_status::ready;
  }
};

class WorkerProcessTest : public ::testing::Test {
 protected:
  WorkerProcessTest()
      : state_(std::make_shared<ClusterState>(std::make_shared<InMemoryStorage>())),
        local_(dir_.path().string()) {}

  void SetUp() override {
    code_ = testing::MakeTopologyCode(testing::ExamplesDir() + "/libexclamation.so", "ex");
    code_.Install(local_.CodeDir(kId));
    state_->SetStormBase(kId, code_.Base());
  }

  WorkerProcessOptions Options(const WorkerSlot& slot) {
    WorkerProcessOptions o;
    o.topology_id = kId;
    o.supervisor_id = slot.node;
    o.port = slot.port;
    o.worker_id = "w-" + std::to_string(slot.port);
    o.conf = DefaultConfig();
    o.conf.put(Config::kStormLocalDir, dir_.path().string());
    o.state = state_;
    o.make_transport = [this](const TcpTransportOptions&) {
      return std::make_unique<SharedTransport>(&transport_);
    };
    o.sync_interval = 50ms;
    o.heartbeat_interval = 50ms;
    return o;
  }

  // Spouts on A, exclaim1 on B, exclaim2 on A, one acker on each: a tuple
  // tree crosses between the two workers at every step.
  Assignment Split() const {
    Assignment a = code_.AssignRoundRobin({kSlotA}, kHosts);
    int acker = 0;
    for (const ExecutorDef& e : code_.layout->executors()) {
      WorkerSlot slot = kSlotA;
      if (e.component == "exclaim1") slot = kSlotB;
      if (e.component == kAckerComponentId && acker++ % 2 == 1) slot = kSlotB;
      a.executor_slot[{e.first_task, e.last_task}] = slot;
    }
    return a;
  }

  RunningWorker Run(const WorkerSlot& slot) {
    RunningWorker w;
    w.process = std::make_unique<WorkerProcess>(Options(slot));
    EXPECT_TRUE(w.process->Start());
    WorkerProcess* p = w.process.get();
    w.exit = std::async(std::launch::async, [p] { return p->Run(); });
    return w;
  }

  // The two workers of Split(), B first. A's spouts emit from the start, and
  // this test's transport drops frames for a worker not bound yet: a whole
  // max.spout.pending window of trees would wait out its 30 s timeout.
  std::pair<RunningWorker, RunningWorker> RunSplit() {
    RunningWorker b = Run(kSlotB);
    RunningWorker a = Run(kSlotA);
    return {std::move(a), std::move(b)};
  }

  // Sum of one stat over the executors of `component` in the slot's beat.
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

  static constexpr const char* kId = "ex-1-100";
  TempDir dir_;
  std::shared_ptr<ClusterState> state_;
  LocalState local_;
  InProcessTransport transport_;
  TopologyCode code_;
};

TEST_F(WorkerProcessTest, TwoWorkersExchangeTuplesAndHeartbeatWithStats) {
  state_->SetAssignment(kId, Split());
  auto [a, b] = RunSplit();

  // exclaim1 runs only on B and is fed by A's spouts; exclaim2 only on A,
  // fed by B; the spouts' trees are acked through both.
  ASSERT_TRUE(WaitUntil([&] {
    return Stat(kSlotB, "exclaim1", &WindowStats::Executed) > 1000 &&
           Stat(kSlotA, "exclaim2", &WindowStats::Executed) > 1000 &&
           Stat(kSlotA, "word", &WindowStats::Acked) > 1000;
  }));
  auto beat = state_->GetWorkerHeartbeat(kId, kSlotA);
  ASSERT_TRUE(beat);
  EXPECT_EQ(beat->topology_id, kId);
  EXPECT_EQ(beat->executor_stats.size(), a.process->executors().size());
  for (const auto& [executor, stats] : beat->executor_stats) {
    const bool spout = *code_.layout->ComponentOfTask(executor.first) == "word";
    EXPECT_EQ(stats.is_spout, spout);
    if (spout) {
      ASSERT_FALSE(stats.AllTime().complete_ms_avg.empty());
      EXPECT_GT(stats.AllTime().complete_ms_avg.begin()->second, 0.0);
    }
  }
  for (const WorkerSlot& slot : {kSlotA, kSlotB}) {
    auto local = local_.ReadHeartbeat("w-" + std::to_string(slot.port));
    ASSERT_TRUE(local);
    EXPECT_EQ(local->topology_id, kId);
    EXPECT_EQ(local->port, slot.port);
    EXPECT_GT(local->time_secs, 0);
  }
  EXPECT_EQ(local_.ReadHeartbeat("w-6702")->executors, b.process->executors());

  a.process->RequestStop();
  b.process->RequestStop();
  ASSERT_TRUE(a.Ended(10s));
  ASSERT_TRUE(b.Ended(10s));
  EXPECT_EQ(a.exit.get(), WorkerExit::kStopped);
  EXPECT_EQ(b.exit.get(), WorkerExit::kStopped);
  // As Storm's workers, they take their beats with them.
  EXPECT_FALSE(state_->GetWorkerHeartbeat(kId, kSlotA));
  EXPECT_FALSE(state_->GetWorkerHeartbeat(kId, kSlotB));
}

TEST_F(WorkerProcessTest, SpoutsFollowTheTopologyStatus) {
  state_->SetAssignment(kId, Split());
  auto [a, b] = RunSplit();
  auto emitted = [&] { return a.process->worker().Totals().emitted; };
  auto spout_emitted = [&] {
    uint64_t n = 0;
    for (const Executor* e : a.process->worker().executors()) {
      if (e->is_spout()) n += e->counters().Sum(&StreamCounters::emitted);
    }
    return n;
  };
  ASSERT_TRUE(WaitUntil([&] { return spout_emitted() > 100; }));
  auto spouts_active = [&](bool active) {
    for (const Executor* e : a.process->worker().executors()) {
      if (e->is_spout() && e->Active() != active) return false;
    }
    return true;
  };
  auto spouts_pending = [&] {
    size_t n = 0;
    for (const Executor* e : a.process->worker().executors()) n += e->PendingCount();
    return n;
  };

  // Deactivated: once the spouts have taken it, nothing new is emitted while
  // what was in flight drains (its acks are taken on the spouts' turns).
  state_->SetStormBase(kId, code_.Base(TopologyStatus::kInactive));
  ASSERT_TRUE(WaitUntil([&] { return spouts_active(false); }));
  const uint64_t before = spout_emitted();
  std::printf("trees in flight when the spouts took the deactivation: %zu\n", spouts_pending());
  ASSERT_TRUE(WaitUntil([&] { return spouts_pending() == 0; }));
  EXPECT_EQ(spout_emitted(), before);

  state_->SetStormBase(kId, code_.Base(TopologyStatus::kActive));
  EXPECT_TRUE(WaitUntil([&] { return spout_emitted() > before + 100; }));
  EXPECT_GT(emitted(), 0u);
}

TEST_F(WorkerProcessTest, AWorkerWhoseSlotGoesEndsAndItsPeerReroutes) {
  // Trees that were in flight through B are lost with it: with Storm's 30 s
  // timeout, pending trees would hold the spouts back for that long.
  code_.conf.put(Config::kTopologyMessageTimeoutSecs, 1);
  code_.Install(local_.CodeDir(kId));
  state_->SetAssignment(kId, Split());
  auto [a, b] = RunSplit();
  ASSERT_TRUE(WaitUntil([&] { return Stat(kSlotB, "exclaim1", &WindowStats::Executed) > 0; }));

  // B's executors move to C (a supervisor lost, say): B ends; A's executors
  // stay, so A keeps running and sends to C from now on.
  Assignment moved = Split();
  for (auto& [executor, slot] : moved.executor_slot) {
    if (slot == kSlotB) slot = kSlotC;
  }
  state_->SetAssignment(kId, moved);
  ASSERT_TRUE(b.Ended(10s));
  EXPECT_EQ(b.exit.get(), WorkerExit::kUnassigned);
  EXPECT_FALSE(state_->GetWorkerHeartbeat(kId, kSlotB));
  RunningWorker c = Run(kSlotC);
  const int64_t at_start = Stat(kSlotC, "exclaim1", &WindowStats::Executed);
  EXPECT_TRUE(WaitUntil([&] {
    return Stat(kSlotC, "exclaim1", &WindowStats::Executed) > std::max<int64_t>(at_start, 0) + 100 &&
           Stat(kSlotA, "exclaim2", &WindowStats::Executed) > 100;
  }));
  EXPECT_FALSE(a.Ended(0ms));
}

TEST_F(WorkerProcessTest, AWorkerWhoseExecutorsChangeEnds) {
  Assignment split = Split();
  state_->SetAssignment(kId, split);
  auto [a, b] = RunSplit();
  ASSERT_TRUE(WaitUntil([&] { return state_->GetWorkerHeartbeat(kId, kSlotB).has_value(); }));

  // One of A's executors moves to B (a rebalance): both must restart.
  for (auto& [executor, slot] : split.executor_slot) {
    if (slot == kSlotA) {
      slot = kSlotB;
      break;
    }
  }
  state_->SetAssignment(kId, split);
  ASSERT_TRUE(a.Ended(10s));
  ASSERT_TRUE(b.Ended(10s));
  EXPECT_EQ(a.exit.get(), WorkerExit::kReassigned);
  EXPECT_EQ(b.exit.get(), WorkerExit::kReassigned);
}

TEST_F(WorkerProcessTest, WorkersEndWhenTheTopologyIsGone) {
  state_->SetAssignment(kId, Split());
  auto [a, b] = RunSplit();
  state_->RemoveTopology(kId);
  ASSERT_TRUE(a.Ended(10s));
  ASSERT_TRUE(b.Ended(10s));
  EXPECT_EQ(a.exit.get(), WorkerExit::kTopologyGone);
  EXPECT_EQ(b.exit.get(), WorkerExit::kTopologyGone);
}

TEST_F(WorkerProcessTest, NothingToRunWithoutAnExecutorOnTheSlot) {
  state_->SetAssignment(kId, code_.AssignRoundRobin({kSlotA}, kHosts));
  WorkerProcess b(Options(kSlotB));
  EXPECT_FALSE(b.Start());
  state_->RemoveTopology(kId);
  WorkerProcess a(Options(kSlotA));
  EXPECT_FALSE(a.Start());
}

TEST_F(WorkerProcessTest, TaskErrorsGoToTheClusterState) {
  const std::string id = "picky-1-100";
  TopologyCode picky = testing::MakeTopologyCode(
      testing::BuildDir() + "/tests/libs/libtest_reporting_errors.so", "picky");
  picky.Install(local_.CodeDir(id));
  state_->SetStormBase(id, picky.Base());
  state_->SetAssignment(id, picky.AssignRoundRobin({kSlotA}, kHosts));
  WorkerProcessOptions options = Options(kSlotA);
  options.topology_id = id;
  WorkerProcess worker(options);
  ASSERT_TRUE(worker.Start());
  auto run = std::async(std::launch::async, [&] { return worker.Run(); });

  ASSERT_TRUE(WaitUntil([&] { return state_->Errors(id, "picky").size() == 3; }));
  // Several more heartbeat rounds: each error is written once.
  const uint64_t rounds = worker.ClusterHeartbeats();
  ASSERT_TRUE(WaitUntil([&] { return worker.ClusterHeartbeats() >= rounds + 4; }));
  auto errors = state_->Errors(id, "picky");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].error, "picky: 10");
  EXPECT_EQ(errors[2].error, "picky: 30");
  EXPECT_EQ(errors[0].host, "host-a");
  EXPECT_EQ(errors[0].port, kSlotA.port);
  worker.RequestStop();
  EXPECT_EQ(run.get(), WorkerExit::kStopped);
}

TEST_F(WorkerProcessTest, MissingLibraryIsAFatalError) {
  std::filesystem::remove(std::filesystem::path(local_.CodeDir(kId)) / "stormjar.so");
  state_->SetAssignment(kId, Split());
  WorkerProcess a(Options(kSlotA));
  try {
    a.Start();
    FAIL() << "Start succeeded without a library";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find("stormjar.so"), std::string::npos) << e.what();
  }
}

TEST_F(WorkerProcessTest, ALibraryThatDoesNotBuildTheTopologyIsAFatalError) {
  StormBase base = code_.Base();
  base.name = "another";  // the library's main submits "ex" only
  state_->SetStormBase(kId, base);
  state_->SetAssignment(kId, Split());
  WorkerProcess a(Options(kSlotA));
  try {
    a.Start();
    FAIL() << "Start succeeded without its topology";
  } catch (const StormError& e) {
    EXPECT_NE(std::string(e.what()).find("did not submit a topology named 'another'"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace storm
