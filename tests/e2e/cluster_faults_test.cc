// The crashes and abuses the paper's cluster must survive (issue #4), on a
// real ZooKeeper, a storm-nimbus process and two storm-supervisor processes
// standing for two hosts: a supervisor killed with its workers, a
// supervisor killed alone and restarted, Nimbus killed, rebalance and kill,
// garbage on a worker's port, a worker killed under a replaying spout, and
// backpressure between two worker processes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/cluster_hosts.h"

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;

inline std::string ReplayingIdsLibrary() { return TestLibrary("test_replaying_ids"); }
inline std::string SlowBoltLibrary() { return TestLibrary("test_slow_bolt"); }

// Sums of the executor stats the workers of a topology report to
// /workerbeats, for the workers `keep` selects.
struct Totals {
  int64_t spout_emitted = 0;
  int64_t spout_acked = 0;
  int64_t spout_failed = 0;
  int64_t bolt_executed = 0;
};

Totals TotalsOf(TestCluster& cluster, const std::string& id,
                const std::function<bool(const WorkerSlot&)>& keep = nullptr) {
  Totals t;
  for (const auto& [slot, hb] : cluster.state().WorkerHeartbeats(id)) {
    if (keep && !keep(slot)) continue;
    for (const auto& [e, stats] : hb.executor_stats) {
      if (stats.is_spout) {
        t.spout_emitted += stats.AllTime().Emitted();
        t.spout_acked += stats.AllTime().Acked();
        t.spout_failed += stats.AllTime().Failed();
      } else {
        t.bolt_executed += stats.AllTime().Executed();
      }
    }
  }
  return t;
}

// VmRSS of a process in kB (0 when it is gone).
int64_t RssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return 0;
}

void Put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// A well-formed tuple frame (src/worker/frame.h; docs/architecture.md#wire-format) of one
// tuple for `task`: u32 length | u8 type 1 | u32 count | varint task |
// u32 size | tuple bytes. The tuple's bytes are never looked at, since the
// task is checked first.
std::string TupleFrameFor(int task) {
  std::string payload;
  payload.push_back(1);  // FrameType::kTuples
  Put32(payload, 1);
  for (auto t = static_cast<uint32_t>(task); ; t >>= 7) {
    if (t < 0x80) {
      payload.push_back(static_cast<char>(t));
      break;
    }
    payload.push_back(static_cast<char>((t & 0x7f) | 0x80));
  }
  const std::string tuple = "\x01\x02\x03";
  Put32(payload, static_cast<uint32_t>(tuple.size()));
  payload += tuple;
  std::string frame;
  Put32(frame, static_cast<uint32_t>(payload.size()));
  return frame + payload;
}

size_t CountWorkerDirs(const fs::path& local_dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = fs::directory_iterator(local_dir / "workers", ec);
       !ec && it != fs::directory_iterator(); ++it) {
    ++n;
  }
  return n;
}

// How many storm-worker processes run with `--port port` (zombies, whose
// cmdline is empty, are not counted).
int WorkerProcessesOnPort(int port) {
  const std::string port_arg = std::string("--port") + '\0' + std::to_string(port) + '\0';
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string cmdline = CmdlineOf(std::stoi(name));
    if (cmdline.find("storm-worker") != std::string::npos &&
        cmdline.find(port_arg) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

// How many lines of `log` contain `text`.
size_t LinesWith(const fs::path& log, const std::string& text) {
  std::ifstream in(log);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(text) != std::string::npos;
  return n;
}

class ClusterFaultsTest : public ::testing::Test {
 protected:
  // Short timeouts: a worker is dead after 10 s without heartbeats, and a
  // supervisor's ephemeral node goes 4 s after it dies (the test ZooKeepers
  // allow sessions from 1 s: tickTime 500, minSessionTimeout 1000).
  ClusterFaultsTest()
      : cluster_(AnyZooKeeper(), {"-c", "nimbus.task.timeout.secs=10", "-c",
                                  "nimbus.task.launch.secs=20", "-c",
                                  "nimbus.supervisor.timeout.secs=10"}) {
    const std::string yaml = "storm.zookeeper.session.timeout: 4000\n";
    a_ = std::make_unique<SupervisorHost>(cluster_, "a", std::vector<int>{Port(), Port()}, yaml);
    b_ = std::make_unique<SupervisorHost>(cluster_, "b", std::vector<int>{Port(), Port()}, yaml);
    EXPECT_TRUE(Eventually([&] { return cluster_.state().SupervisorIds().size() == 2; }, 30s))
        << Logs();
  }
  ~ClusterFaultsTest() override {
    if (HasFailure()) {
      std::cerr << Logs() << "--- nimbus log:\n" << cluster_.nimbus().LogTail(40) << std::flush;
    }
    if (cluster_.nimbus().Alive()) cluster_.KillAll();
  }

  static int Port() { return testing::FreePort(); }

  std::string Logs() const { return a_->Logs() + b_->Logs(); }

  size_t WorkerCount() const { return a_->WorkerPids().size() + b_->WorkerPids().size(); }

  // The host whose slots include `port`.
  SupervisorHost& HostOfPort(int port) {
    const auto& p = a_->ports();
    return std::find(p.begin(), p.end(), port) != p.end() ? *a_ : *b_;
  }

  // Submits `library` as `name` with `-c` settings; returns its id once
  // `workers` worker processes run.
  std::string Submit(const std::string& library, const std::string& name,
                     const std::vector<std::string>& settings, size_t workers) {
    std::vector<std::string> args = {"jar", library, name};
    for (const std::string& s : settings) {
      args.push_back("-c");
      args.push_back(s);
    }
    ExpectSuccess(cluster_.Storm(args));
    const std::string id = cluster_.List()[name].id;
    EXPECT_FALSE(id.empty()) << name << " is not listed";
    EXPECT_TRUE(Eventually([&] { return WorkerCount() == workers; }, 60s))
        << WorkerCount() << " worker processes, not " << workers << Logs();
    return id;
  }

  TestCluster cluster_;
  std::unique_ptr<SupervisorHost> a_;
  std::unique_ptr<SupervisorHost> b_;
  TempDir files_;
};

TEST_F(ClusterFaultsTest, ASupervisorKilledWithItsWorkersHasItsExecutorsMovedToTheOther) {
  const std::string id = Submit(WordCountLibrary(), "wc", {"topology.workers=2"}, 2);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();

  SupervisorHost& victim = a_->WorkerPids().empty() ? *b_ : *a_;
  SupervisorHost& survivor = &victim == a_.get() ? *b_ : *a_;
  const std::string victim_id = victim.SupervisorId(cluster_);
  const std::string survivor_id = survivor.SupervisorId(cluster_);
  ASSERT_FALSE(victim_id.empty());
  ASSERT_FALSE(survivor_id.empty());
  const std::map<int, int> victim_workers = victim.WorkerPids();
  ASSERT_FALSE(victim_workers.empty());

  victim.daemon().Kill(SIGKILL);
  for (const auto& [port, pid] : victim_workers) ::kill(pid, SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();

  // nimbus.task.timeout.secs (10) plus a margin for the monitor's round and
  // the new assignment to be written.
  const bool moved = Eventually([&] {
    auto a = cluster_.state().GetAssignment(id);
    return a && NodesOf(*a) == std::set<std::string>{survivor_id} && SlotsOf(*a).size() == 2;
  }, 20s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed_at);
  auto now = cluster_.state().GetAssignment(id);
  ASSERT_TRUE(moved) << "the executors of " << victim_id << " are not all on " << survivor_id
                     << " " << took.count() << " ms after the kill: "
                     << (now ? Describe(*now) : std::string("no assignment")) << Logs();
  std::cerr << "executors moved to the surviving supervisor " << took.count()
            << " ms after the kill\n";

  ASSERT_TRUE(Eventually([&] { return survivor.WorkerPids().size() == 2; }, 60s))
      << "the surviving host runs " << survivor.WorkerPids().size() << " workers, not 2" << Logs();
  const auto on_survivor = [&](const WorkerSlot& slot) { return slot.node == survivor_id; };
  const int64_t before = TotalsOf(cluster_, id, on_survivor).spout_acked;
  EXPECT_TRUE(Eventually(
      [&] { return TotalsOf(cluster_, id, on_survivor).spout_acked > before + 100; }, 60s))
      << "processing does not go on on the surviving host: acked "
      << TotalsOf(cluster_, id, on_survivor).spout_acked << " (was " << before << ")" << Logs();
}

// The workers outlive their supervisor (they have their own process group):
// a supervisor restarted on the same local dir takes over the ones still
// running their slot's assignment, under the same supervisor id, instead of
// starting a second worker on the port.
TEST_F(ClusterFaultsTest, ARestartedSupervisorTakesOverTheWorkersItLeftRunning) {
  const std::string id = Submit(WordCountLibrary(), "wc", {"topology.workers=2"}, 2);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();

  SupervisorHost& host = a_->WorkerPids().empty() ? *b_ : *a_;
  const std::string host_id = host.SupervisorId(cluster_);
  ASSERT_FALSE(host_id.empty());
  const std::map<int, int> workers = host.WorkerPids();
  ASSERT_FALSE(workers.empty());
  const fs::path log = host.daemon().log_path();
  const size_t adopted_before = LinesWith(log, "supervisor: adopted worker");

  host.daemon().Kill(SIGKILL);
  for (const auto& [port, pid] : workers) {
    EXPECT_EQ(::kill(pid, 0), 0) << "the worker on " << port << " died with its supervisor";
  }
  const int64_t restart_secs = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  host.daemon().Start();
  const auto restarted_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(Eventually([&] {
    return LinesWith(log, "supervisor: adopted worker") == adopted_before + workers.size();
  }, 30s)) << "the restarted supervisor did not take over its " << workers.size()
           << " workers" << Logs();
  EXPECT_EQ(LinesWith(log, "left by an earlier run"), 0u) << Logs();
  // The new run registers under the same id, taking the killed run's node
  // over in one transaction (Nimbus never sees the host missing, which would
  // reassign its slots): the registration is the one of the run that started
  // after the restart (1 s for rounding).
  EXPECT_TRUE(Eventually(
      [&] {
        auto info = cluster_.state().GetSupervisor(host_id);
        return info && info->time_secs - info->uptime_secs >= restart_secs - 1;
      },
      30s))
      << "the restarted supervisor did not register under id " << host_id << Logs();
  EXPECT_EQ(host.SupervisorId(cluster_), host_id) << "the supervisor id is not kept";
  EXPECT_EQ(host.WorkerPids(), workers);
  for (const auto& [port, pid] : workers) {
    EXPECT_EQ(WorkerProcessesOnPort(port), 1) << "port " << port << Logs();
  }
  const int64_t before = SpoutAcked(cluster_, id);
  EXPECT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > before + 100; }, 30s))
      << "no processing after the supervisor restart" << Logs();

  // Past supervisor.worker.timeout.secs (10) of the new run, the adopted
  // workers are still the same processes: their heartbeats count.
  // (The registration of the killed run may still be there at first.)
  ASSERT_TRUE(Eventually([&] {
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - restarted_at);
    auto info = cluster_.state().GetSupervisor(host_id);
    return info && info->uptime_secs >= 12 && info->uptime_secs <= up.count() + 1;
  }, 40s)) << Logs();
  EXPECT_EQ(host.WorkerPids(), workers) << Logs();
  for (const auto& [port, pid] : workers) {
    EXPECT_EQ(WorkerProcessesOnPort(port), 1) << "port " << port << Logs();
  }
}

TEST_F(ClusterFaultsTest, TheTopologyGoesOnWhileNimbusIsDeadAndARestartedNimbusTakesOver) {
  const std::string id = Submit(WordCountLibrary(), "wc", {"topology.workers=2"}, 2);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();
  const std::map<int, int> pids_a = a_->WorkerPids();
  const std::map<int, int> pids_b = b_->WorkerPids();

  cluster_.nimbus().Kill(SIGKILL);
  const int64_t before = SpoutAcked(cluster_, id);
  EXPECT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > before + 200; }, 30s))
      << "no processing while Nimbus is down: acked " << SpoutAcked(cluster_, id) << " (was "
      << before << ")" << Logs();
  EXPECT_EQ(a_->WorkerPids(), pids_a) << "workers restarted while Nimbus was down" << Logs();
  EXPECT_EQ(b_->WorkerPids(), pids_b) << "workers restarted while Nimbus was down" << Logs();

  cluster_.StartNimbus();
  CommandResult listed;
  ASSERT_TRUE(Eventually([&] {
    listed = cluster_.Storm({"list"});
    return listed.status == 0 && ParseList(listed.out).count("wc") != 0;
  }, 30s)) << "the restarted Nimbus does not list wc; " << listed.Describe();
  EXPECT_EQ(ParseList(listed.out)["wc"].id, id);

  ExpectSuccess(cluster_.Storm({"kill", "wc", "-w", "1"}));
  EXPECT_TRUE(Eventually([&] { return WorkerCount() == 0; }, 60s))
      << "workers left after the kill by the restarted Nimbus" << Logs();
}

TEST_F(ClusterFaultsTest, RebalanceChangesTheWorkerCountAndKillStopsAndCleansEverything) {
  const std::string id = Submit(WordCountLibrary(), "wc", {"topology.workers=2"}, 2);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();

  ExpectSuccess(cluster_.Storm({"rebalance", "wc", "-w", "1", "-n", "3"}));
  ASSERT_TRUE(Eventually([&] {
    auto a = cluster_.state().GetAssignment(id);
    return a && SlotsOf(*a).size() == 3 && WorkerCount() == 3;
  }, 60s)) << "after rebalance -n 3: " << WorkerCount() << " worker processes, assignment "
           << [&] {
                auto a = cluster_.state().GetAssignment(id);
                return a ? Describe(*a) : std::string("none");
              }() << Logs();
  std::set<int> pids;
  for (auto* host : {a_.get(), b_.get()}) {
    for (const auto& [port, pid] : host->WorkerPids()) pids.insert(pid);
  }
  EXPECT_EQ(pids.size(), 3u);
  const int64_t before = SpoutAcked(cluster_, id);
  EXPECT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > before + 100; }, 60s))
      << "no processing after the rebalance" << Logs();

  ExpectSuccess(cluster_.Storm({"kill", "wc", "-w", "1"}));
  EXPECT_TRUE(Eventually([&] { return WorkerCount() == 0; }, 60s))
      << "worker processes left after the kill" << Logs();
  for (const int pid : pids) {
    EXPECT_TRUE(Eventually([&] { return ::kill(pid, 0) != 0; }, 30s))
        << "worker " << pid << " still runs after the kill" << Logs();
  }
  for (auto* host : {a_.get(), b_.get()}) {
    const fs::path code = host->local_dir() / "supervisor" / "stormdist" / id;
    EXPECT_TRUE(Eventually([&] { return CountWorkerDirs(host->local_dir()) == 0; }, 30s))
        << host->name() << ": worker dirs left in " << (host->local_dir() / "workers").string()
        << Logs();
    EXPECT_TRUE(Eventually([&] { return !fs::exists(code); }, 30s))
        << host->name() << ": code left in " << code.string() << Logs();
  }
}

TEST_F(ClusterFaultsTest, GarbageAndFramesForTasksNotOwnedAreRejectedAndTheWorkerGoesOn) {
  const std::string id = Submit(WordCountLibrary(), "wc", {"topology.workers=2"}, 2);
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();

  SupervisorHost& host = a_->WorkerPids().empty() ? *b_ : *a_;
  const auto [port, pid] = *host.WorkerPids().begin();
  auto assignment = cluster_.state().GetAssignment(id);
  ASSERT_TRUE(assignment);
  int foreign_task = -1;
  for (const auto& [e, slot] : assignment->executor_slot) {
    if (slot.port != port) foreign_task = e.first;
  }
  ASSERT_GT(foreign_task, 0) << "every executor runs on port " << port << ": "
                             << Describe(*assignment);

  // Random bytes whose first four, as a frame length, exceed the limit.
  std::string garbage;
  for (unsigned seed = 1; garbage.empty(); ++seed) {
    std::string bytes = RandomBytes(4096, seed);
    uint32_t length = 0;
    std::memcpy(&length, bytes.data(), 4);  // little-endian here, as on the wire
    if (length > (64u << 20)) garbage = bytes;
  }
  RawConnection garbage_connection(port);
  ASSERT_TRUE(garbage_connection.connected() && garbage_connection.Send(garbage))
      << "cannot send to the worker's port " << port;
  RawConnection frame_connection(port);
  ASSERT_TRUE(frame_connection.connected() && frame_connection.Send(TupleFrameFor(foreign_task)))
      << "cannot send to the worker's port " << port;

  const fs::path log = host.WorkerLog(id, port);
  const std::string not_owned =
      "rejected a tuple for task " + std::to_string(foreign_task) + ", which this worker does not";
  EXPECT_TRUE(Eventually([&] {
    const std::string text = ReadBytes(log);
    return text.find("closing the connection from") != std::string::npos &&
           text.find("a frame length of") != std::string::npos;
  }, 20s)) << "the random bytes are not logged as rejected in " << log.string() << Logs();
  EXPECT_TRUE(Eventually([&] { return ReadBytes(log).find(not_owned) != std::string::npos; }, 20s))
      << "the frame for task " << foreign_task << " is not logged as rejected in "
      << log.string() << Logs();
  // A frame that cannot be one ends its connection; the worker stays.
  EXPECT_TRUE(garbage_connection.ClosedByPeer(20s))
      << "the worker kept the connection of random bytes open" << Logs();
  garbage_connection.Close();
  frame_connection.Close();

  const int64_t before = SpoutAcked(cluster_, id);
  EXPECT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > before + 100; }, 60s))
      << "processing does not go on after the bad frames" << Logs();
  const auto now = host.WorkerPids();
  EXPECT_TRUE(now.count(port) != 0 && now.at(port) == pid)
      << "the worker on port " << port << " (pid " << pid << ") did not survive" << Logs();
}

TEST_F(ClusterFaultsTest, WithAReplayingSpoutEveryIdIsAckedThoughTheBoltsWorkerIsKilled) {
  constexpr int kIds = 4000;
  const fs::path acked_dir = files_ / "acked";
  fs::create_directories(acked_dir);
  const std::string id = Submit(
      ReplayingIdsLibrary(), "replaying",
      {"topology.message.timeout.secs=3", "replaying.ids=" + std::to_string(kIds),
       "replaying.acked.dir=" + acked_dir.string(), "replaying.emit.interval.micros=500",
       "replaying.bolt.sleep.micros=2000"},
      2);
  ASSERT_FALSE(HasFailure());

  // Which worker runs the spout: the other one is killed.
  std::optional<WorkerSlot> spout_slot;
  std::set<WorkerSlot> slots;
  ASSERT_TRUE(Eventually([&] {
    for (const auto& [slot, hb] : cluster_.state().WorkerHeartbeats(id)) {
      slots.insert(slot);
      for (const auto& [e, stats] : hb.executor_stats) {
        if (stats.is_spout) spout_slot = slot;
      }
    }
    return spout_slot.has_value() && slots.size() == 2;
  }, 30s)) << "no heartbeats of both workers" << Logs();
  slots.erase(*spout_slot);
  const WorkerSlot other = *slots.begin();
  auto assignment = cluster_.state().GetAssignment(id);
  ASSERT_TRUE(assignment);
  int bolt_executors_on_other = 0;
  for (const auto& [e, slot] : assignment->executor_slot) {
    if (slot == other) ++bolt_executors_on_other;
  }
  ASSERT_GT(bolt_executors_on_other, 0) << Describe(*assignment);

  const auto acked_ids = [&] {
    std::set<int64_t> ids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(acked_dir, ec)) {
      std::ifstream in(entry.path());
      for (int64_t n; in >> n;) ids.insert(n);
    }
    return ids;
  };
  ASSERT_TRUE(Eventually([&] { return acked_ids().size() >= kIds / 10; }, 60s))
      << "acked " << acked_ids().size() << Logs();
  // Tuples reach the victim's bolts: the spout's worker is connected to it
  // (until then its frames wait in the spout's worker, and a kill loses
  // nothing: no replay to see).
  ASSERT_TRUE(Eventually([&] {
    return TotalsOf(cluster_, id, [&](const WorkerSlot& s) { return s == other; }).bolt_executed > 0;
  }, 30s)) << "the other worker's bolts execute nothing" << Logs();

  SupervisorHost& host = HostOfPort(other.port);
  SupervisorHost& spout_host = HostOfPort(spout_slot->port);
  const int spout_pid = spout_host.WorkerPids()[spout_slot->port];
  const int victim = host.WorkerPids()[other.port];
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const size_t acked_at_kill = acked_ids().size();
  ASSERT_LT(acked_at_kill, static_cast<size_t>(kIds))
      << "every id was acked before the kill: the test kills too late";

  std::set<int64_t> acked;
  const bool all = Eventually([&] {
    acked = acked_ids();
    return acked.size() == static_cast<size_t>(kIds);
  }, 90s);
  std::string missing;
  int shown = 0;
  for (int64_t n = 0; n < kIds && shown < 20; ++n) {
    if (acked.count(n) == 0) {
      missing += " " + std::to_string(n);
      ++shown;
    }
  }
  EXPECT_TRUE(all) << kIds - acked.size() << " ids never acked (" << acked_at_kill
                   << " acked at the kill), such as" << missing << Logs();
  EXPECT_EQ(*acked.rbegin(), kIds - 1);
  // The kill lost trees: they failed (timed out) and were replayed.
  const auto on_spout_slot = [&](const WorkerSlot& slot) { return slot == *spout_slot; };
  EXPECT_TRUE(Eventually(
      [&] { return TotalsOf(cluster_, id, on_spout_slot).spout_failed > 0; }, 10s))
      << "no tree failed: the kill did not exercise replays" << Logs();
  EXPECT_EQ(spout_host.WorkerPids()[spout_slot->port], spout_pid)
      << "the spout's worker was restarted: its progress was lost" << Logs();
  const auto restarted = host.WorkerPids();
  EXPECT_TRUE(restarted.count(other.port) != 0 && restarted.at(other.port) != victim)
      << "the killed worker was not restarted" << Logs();
}

TEST_F(ClusterFaultsTest, ASlowBoltInAnotherWorkerThrottlesTheSpoutWithBoundedMemory) {
  const std::string id = Submit(SlowBoltLibrary(), "slow",
                                {"topology.acker.executors=0", "slow.bolt.sleep.micros=1000"}, 2);
  ASSERT_FALSE(HasFailure());
  std::optional<WorkerSlot> spout_slot;
  ASSERT_TRUE(Eventually([&] {
    std::set<WorkerSlot> bolt_slots;
    for (const auto& [slot, hb] : cluster_.state().WorkerHeartbeats(id)) {
      for (const auto& [e, stats] : hb.executor_stats) {
        if (stats.is_spout) {
          spout_slot = slot;
        } else if (stats.AllTime().Executed() > 0) {
          bolt_slots.insert(slot);
        }
      }
    }
    return spout_slot && !bolt_slots.empty() && bolt_slots.count(*spout_slot) == 0;
  }, 60s)) << "the bolt does not execute in a worker other than the spout's" << Logs();

  // Queues between the spout and the bolt: the bolt's in-queue (32768
  // tuples), the receiving connection's read buffer (128 KB), the sender's
  // held bytes (8 MB), the transfer queue, and both sockets' buffers (a few
  // MB): at ten bytes or more a tuple on the wire, under two million tuples
  // (about 0.9 million seen here). An unthrottled spout emits millions of
  // tuples a second, tens of millions in these 15 s.
  constexpr int64_t kMaxInFlight = 2'000'000;
  // A worker's resident memory stays bounded too. Sanitizers' shadow memory
  // and allocator quarantine multiply it (a TSan worker holds ~510 MB here).
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr int64_t kMaxWorkerRssKb = 2 * 1024 * 1024;
#else
  constexpr int64_t kMaxWorkerRssKb = 500 * 1024;
#endif
  // Measured over the bolt's progress, not over time: by the time the bolt
  // (about 1,000 tuples a second) executed 5,000 tuples, the queues have
  // filled (a spout fills them in well under a second); the next 3,000 are
  // the steady state.
  Totals first;
  ASSERT_TRUE(
      Eventually([&] { return (first = TotalsOf(cluster_, id)).bolt_executed >= 5'000; }, 60s))
      << "the bolt executed " << first.bolt_executed << " tuples in 60 s" << Logs();
  Totals second;
  ASSERT_TRUE(Eventually(
      [&] {
        second = TotalsOf(cluster_, id);
        return second.bolt_executed >= first.bolt_executed + 3'000;
      },
      60s))
      << "the bolt executed " << second.bolt_executed - first.bolt_executed
      << " more tuples in 60 s" << Logs();
  const int64_t emitted = second.spout_emitted - first.spout_emitted;
  const int64_t executed = second.bolt_executed - first.bolt_executed;
  std::cerr << "at first: emitted " << first.spout_emitted << ", executed " << first.bolt_executed
            << "; then: emitted " << emitted << ", executed " << executed << "\n";
  EXPECT_LT(second.spout_emitted - second.bolt_executed, kMaxInFlight)
      << "the spout is not throttled: emitted " << second.spout_emitted << ", executed "
      << second.bolt_executed << Logs();
  // Steady state: the spout emits no faster than the bolt executes.
  EXPECT_LT(emitted, executed + 50'000)
      << "the spout still runs ahead of the slow bolt" << Logs();
  EXPECT_GT(executed, 0) << "the bolt stopped executing" << Logs();

  for (auto* host : {a_.get(), b_.get()}) {
    for (const auto& [port, pid] : host->WorkerPids()) {
      const int64_t rss = RssKb(pid);
      std::cerr << "worker " << pid << " on port " << port << ": VmRSS " << rss << " kB\n";
      EXPECT_LT(rss, kMaxWorkerRssKb) << "worker " << pid << " on port " << port << Logs();
      const std::string log = ReadBytes(host->WorkerLog(id, port));
      EXPECT_EQ(log.find("dropped"), std::string::npos)
          << "tuples dropped: " << host->WorkerLog(id, port).string() << Logs();
      EXPECT_EQ(log.find(" error "), std::string::npos)
          << "errors logged: " << host->WorkerLog(id, port).string() << Logs();
    }
  }
}

}  // namespace
}  // namespace storm::e2e
