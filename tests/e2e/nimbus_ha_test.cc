// Nimbus high availability and a control plane whose failures never stop
// the data (issue 21), with real processes on a real ZooKeeper: three
// storm-nimbus processes, two storm-supervisor processes, and a replaying
// spout with acking (every acked id is appended to a file, so that what was
// processed is counted without ZooKeeper):
//   1. the leader SIGKILLed mid-run: a new leader within the session timeout
//      plus a few seconds (printed); acked grows through the leaderless
//      window; a worker killed in it, with its supervisor, is reassigned by
//      the new leader; list, jar, rebalance and kill work through the seeds;
//   2. the old leader restarted comes back as a follower and copies the code
//      submitted while it was away;
//   3. the leader paused (SIGSTOP) past the session timeout: its writes are
//      refused when it resumes, nothing it sends lands in /storms or
//      /assignments, and it steps down;
//   4. a Nimbus with an empty disk leads only once it holds all code;
//   5. every Nimbus dead for 30 s: processing goes on; one restarted leads;
//   6. ZooKeeper stopped for 20 s with a worker SIGKILLed meanwhile:
//      throughput stays at least half, the worker is back within
//      supervisor.worker.start.timeout.secs, and no id is lost.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/cluster_hosts.h"

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;
using Clock = std::chrono::steady_clock;

constexpr int kSessionTimeoutMs = 4000;
constexpr int kWorkerStartTimeoutSecs = 30;

double Secs(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Options every Nimbus of these tests runs with: short sessions (a dead
// leader is noticed in 4 s), advertised as 127.0.0.1, metrics on any port.
std::vector<std::string> NimbusArgs() {
  return {"-c", "storm.zookeeper.session.timeout=" + std::to_string(kSessionTimeoutMs),
          "-c", "storm.local.hostname=127.0.0.1",
          "-c", "nimbus.metrics.port=0",
          "-c", "nimbus.task.timeout.secs=10",
          "-c", "nimbus.task.launch.secs=20",
          "-c", "nimbus.code.sync.freq.secs=5"};
}

// Three Nimbuses (the TestCluster's and two more, each with its own disk
// and port), nimbus.seeds naming all of them, and two supervisors.
class HaCluster {
 public:
  explicit HaCluster(const std::string& zookeeper) : cluster_(zookeeper, NimbusArgs()) {
    ports_.push_back(cluster_.port());
    local_dirs_.push_back(cluster_.local_dir());
    for (int i = 0; i < 2; ++i) AddNimbus();
    const std::string yaml = "storm.zookeeper.session.timeout: " +
                             std::to_string(kSessionTimeoutMs) + "\n" +
                             "supervisor.worker.start.timeout.secs: " +
                             std::to_string(kWorkerStartTimeoutSecs) + "\n";
    a_ = std::make_unique<SupervisorHost>(cluster_, "a",
                                          std::vector<int>{testing::FreePort(), testing::FreePort()},
                                          yaml);
    b_ = std::make_unique<SupervisorHost>(cluster_, "b",
                                          std::vector<int>{testing::FreePort(), testing::FreePort()},
                                          yaml);
    EXPECT_TRUE(Eventually([&] { return cluster_.state().SupervisorIds().size() == 2; }, 30s))
        << Logs();
  }

  ~HaCluster() {
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (nimbus(static_cast<int>(i)).pid() > 0) ::kill(nimbus(static_cast<int>(i)).pid(), SIGCONT);
    }
    bool any = false;
    for (size_t i = 0; i < ports_.size(); ++i) any = any || nimbus(static_cast<int>(i)).Alive();
    if (any) {
      try {
        cluster_.KillAll();
      } catch (const std::exception& e) {
        std::cerr << "kill all: " << e.what() << "\n";
      }
    }
  }

  // One more Nimbus: the cluster's config with its own port and disk (empty
  // unless it ran before); added to nimbus.seeds. Returns its index.
  int AddNimbus() {
    const int index = static_cast<int>(ports_.size());
    const int port = testing::FreePort();
    const fs::path local = dir_ / ("nimbus" + std::to_string(index)) / "storm-local";
    std::ifstream in(cluster_.config_file());
    std::stringstream yaml;
    yaml << in.rdbuf();
    std::string text = yaml.str();
    Replace(text, "storm.local.dir:", "storm.local.dir: \"" + local.string() + "\"");
    Replace(text, "nimbus.thrift.port:", "nimbus.thrift.port: " + std::to_string(port));
    const fs::path conf = dir_ / ("nimbus" + std::to_string(index)) / "storm.yaml";
    fs::create_directories(conf.parent_path());
    std::ofstream(conf) << text;
    std::vector<std::string> argv = {NimbusBinary(), "--config", conf.string()};
    for (const std::string& a : NimbusArgs()) argv.push_back(a);
    extra_.push_back(std::make_unique<DaemonProcess>(
        argv, dir_ / ("nimbus" + std::to_string(index) + ".log"), cluster_.Env()));
    ports_.push_back(port);
    local_dirs_.push_back(local);
    extra_.back()->Start();
    testing::WaitForPort(*extra_.back(), port, 30s);
    WriteSeeds();
    return index;
  }

  DaemonProcess& nimbus(int i) { return i == 0 ? cluster_.nimbus() : *extra_[i - 1]; }
  void StartNimbus(int i) {
    nimbus(i).Start();
    testing::WaitForPort(nimbus(i), ports_[i], 30s);
  }
  int size() const { return static_cast<int>(ports_.size()); }
  std::string HostPort(int i) const { return "127.0.0.1:" + std::to_string(ports_[i]); }
  bool HoldsCode(int i, const std::string& id) const {
    return fs::exists(local_dirs_[i] / "nimbus" / "stormdist" / id / "stormjar.so");
  }

  // The index of the leading Nimbus as ZooKeeper says, or -1.
  int Leader() {
    std::optional<NimbusInfo> leader = cluster_.state().Leader();
    if (!leader) return -1;
    for (int i = 0; i < size(); ++i) {
      if (ports_[i] == leader->port) return i;
    }
    return -1;
  }

  TestCluster& cluster() { return cluster_; }
  SupervisorHost& a() { return *a_; }
  SupervisorHost& b() { return *b_; }
  SupervisorHost& HostOfPort(int port) {
    const auto& p = a_->ports();
    return std::find(p.begin(), p.end(), port) != p.end() ? *a_ : *b_;
  }
  size_t WorkerCount() const { return a_->WorkerPids().size() + b_->WorkerPids().size(); }

  std::string Logs() {
    std::string out = (a_ ? a_->Logs() : "") + (b_ ? b_->Logs() : "");
    for (int i = 0; i < size(); ++i) {
      out += "--- nimbus " + std::to_string(i) + " (" + HostPort(i) + ") log:\n" +
             nimbus(i).LogTail(25);
    }
    return out;
  }

 private:
  static void Replace(std::string& text, const std::string& key, const std::string& line) {
    const size_t at = text.find(key);
    ASSERT_NE(at, std::string::npos) << key;
    text.replace(at, text.find('\n', at) - at, line);
  }

  // nimbus.seeds of the cluster's storm.yaml (the CLI's) names every Nimbus.
  void WriteSeeds() {
    std::ifstream in(cluster_.config_file());
    std::stringstream yaml;
    yaml << in.rdbuf();
    std::string text = yaml.str();
    std::string seeds;
    for (int i = 0; i < size(); ++i) seeds += (seeds.empty() ? "\"" : ", \"") + HostPort(i) + "\"";
    Replace(text, "nimbus.seeds:", "nimbus.seeds: [" + seeds + "]");
    std::ofstream(cluster_.config_file()) << text;
  }

  TempDir dir_;
  TestCluster cluster_;
  std::vector<std::unique_ptr<DaemonProcess>> extra_;
  std::vector<int> ports_;
  std::vector<fs::path> local_dirs_;
  std::unique_ptr<SupervisorHost> a_;
  std::unique_ptr<SupervisorHost> b_;
};

class NimbusHaTest : public ::testing::Test {
 protected:
  ~NimbusHaTest() override {
    if (HasFailure() && ha_) std::cerr << ha_->Logs() << std::flush;
  }

  void StartCluster(const std::string& zookeeper) {
    ha_ = std::make_unique<HaCluster>(zookeeper);
    ASSERT_TRUE(Eventually([&] { return ha_->Leader() >= 0; }, 30s)) << ha_->Logs();
  }

  // Submits the replaying topology (2 workers); returns its id once both
  // workers run and `warm` ids were acked.
  std::string SubmitReplaying(int ids, int emit_interval_micros, size_t warm = 200) {
    fs::create_directories(acked_dir());
    CommandResult r = ha_->cluster().Storm(
        {"jar", TestLibrary("test_replaying_ids"), "replaying", "-c", "topology.workers=2", "-c",
         "topology.message.timeout.secs=5", "-c", "replaying.ids=" + std::to_string(ids), "-c",
         "replaying.acked.dir=" + acked_dir().string(), "-c",
         "replaying.emit.interval.micros=" + std::to_string(emit_interval_micros)});
    ExpectSuccess(r);
    const std::string id = ha_->cluster().List()["replaying"].id;
    EXPECT_FALSE(id.empty()) << ha_->Logs();
    EXPECT_TRUE(Eventually([&] { return ha_->WorkerCount() == 2; }, 60s)) << ha_->Logs();
    EXPECT_TRUE(Eventually([&] { return Acked().size() >= warm; }, 60s))
        << "acked " << Acked().size() << ha_->Logs();
    return id;
  }

  fs::path acked_dir() const { return files_ / "acked"; }

  std::set<int64_t> Acked() const {
    std::set<int64_t> ids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(acked_dir(), ec)) {
      std::ifstream in(entry.path());
      for (int64_t n; in >> n;) ids.insert(n);
    }
    return ids;
  }

  // The slot of the worker that runs no spout (read from the heartbeats).
  WorkerSlot NonSpoutSlot(const std::string& id) {
    std::optional<WorkerSlot> spout;
    std::set<WorkerSlot> slots;
    EXPECT_TRUE(Eventually([&] {
      for (const auto& [slot, hb] : ha_->cluster().state().WorkerHeartbeats(id)) {
        slots.insert(slot);
        for (const auto& [e, stats] : hb.executor_stats) {
          if (stats.is_spout) spout = slot;
        }
      }
      return spout.has_value() && slots.size() == 2;
    }, 30s)) << ha_->Logs();
    if (spout) slots.erase(*spout);
    return slots.empty() ? WorkerSlot{} : *slots.begin();
  }

  // Waits for a leader other than `old`; returns its index (-1: none came).
  int WaitForNewLeader(int old, std::chrono::seconds timeout = 30s) {
    int leader = -1;
    Eventually([&] {
      leader = ha_->Leader();
      return leader >= 0 && leader != old;
    }, timeout);
    return leader != old ? leader : -1;
  }

  // Declared before ha_: the cluster stops while its ZooKeeper still runs.
  std::unique_ptr<testing::ZooKeeperServer> own_zookeeper_;
  std::unique_ptr<HaCluster> ha_;
  TempDir files_;
};

// 1.
TEST_F(NimbusHaTest, ANewLeaderTakesOverWhenTheLeaderIsKilledAndTheDataNeverStops) {
  StartCluster(AnyZooKeeper());
  const std::string id = SubmitReplaying(1'000'000, 1000);
  ASSERT_FALSE(HasFailure());
  const int old = ha_->Leader();
  const WorkerSlot victim_slot = NonSpoutSlot(id);
  SupervisorHost& victim_host = ha_->HostOfPort(victim_slot.port);
  SupervisorHost& other_host = &victim_host == &ha_->a() ? ha_->b() : ha_->a();
  const int victim = victim_host.WorkerPids()[victim_slot.port];
  ASSERT_GT(victim, 0);

  // The leader dies: ids go on being acked while no Nimbus leads.
  const size_t acked_before = Acked().size();
  const auto killed = Clock::now();
  ha_->nimbus(old).Kill(SIGKILL);
  std::this_thread::sleep_for(2s);  // half the session timeout: nobody leads yet
  const size_t acked_leaderless = Acked().size();
  EXPECT_GT(acked_leaderless, acked_before + 100) << "acking stalled when the leader died";
  // Still in the leaderless window, a worker dies with its supervisor:
  // only a new leader can place its executors again.
  victim_host.daemon().Kill(SIGKILL);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);

  const int leader = WaitForNewLeader(old);
  ASSERT_GE(leader, 0) << "no new leader" << ha_->Logs();
  const double failover = Secs(Clock::now() - killed);
  std::printf("[ figures  ] failover: new leader %s %.1f s after the leader was SIGKILLed "
              "(session timeout %.1f s); %zu ids acked meanwhile\n",
              ha_->HostPort(leader).c_str(), failover, kSessionTimeoutMs / 1000.0,
              Acked().size() - acked_before);
  EXPECT_LE(failover, kSessionTimeoutMs / 1000.0 + 6) << ha_->Logs();

  // The new leader moves the dead worker's executors to the other host.
  EXPECT_TRUE(Eventually([&] { return other_host.WorkerPids().size() == 2; }, 60s))
      << "the killed worker's executors were not reassigned" << ha_->Logs();
  auto assignment = ha_->cluster().state().GetAssignment(id);
  ASSERT_TRUE(assignment);
  EXPECT_EQ(NodesOf(*assignment).size(), 1u) << Describe(*assignment);
  const size_t acked_after = Acked().size();
  EXPECT_TRUE(Eventually([&] { return Acked().size() > acked_after + 100; }, 30s))
      << "acked stopped growing after the failover" << ha_->Logs();

  // The CLI finds the new leader through the seeds.
  auto listed = ha_->cluster().List();
  EXPECT_EQ(listed["replaying"].status, "ACTIVE");
  ExpectSuccess(ha_->cluster().Storm({"jar", WordCountLibrary(), "wc"}));
  EXPECT_EQ(ha_->cluster().List().count("wc"), 1u);
  ExpectSuccess(ha_->cluster().Storm({"rebalance", "wc", "-w", "0"}));
  ExpectSuccess(ha_->cluster().Storm({"kill", "wc", "-w", "0"}));
  EXPECT_TRUE(Eventually([&] { return ha_->cluster().List().count("wc") == 0; }, 30s));
}

// 2.
TEST_F(NimbusHaTest, TheOldLeaderComesBackAsAFollowerAndCopiesTheCodeItLacks) {
  StartCluster(AnyZooKeeper());
  const std::string id = SubmitReplaying(1'000'000, 2000);
  ASSERT_FALSE(HasFailure());
  const int old = ha_->Leader();
  ha_->nimbus(old).Kill(SIGKILL);
  const int leader = WaitForNewLeader(old);
  ASSERT_GE(leader, 0) << ha_->Logs();
  ExpectSuccess(ha_->cluster().Storm({"jar", WordCountLibrary(), "wc"}));
  const std::string wc = ha_->cluster().List()["wc"].id;
  ASSERT_FALSE(wc.empty());
  EXPECT_FALSE(ha_->HoldsCode(old, wc));

  ha_->StartNimbus(old);
  EXPECT_TRUE(Eventually([&] {
    const auto holders = ha_->cluster().state().CodeHolders(wc);
    return ha_->HoldsCode(old, wc) &&
           std::find(holders.begin(), holders.end(), ha_->HostPort(old)) != holders.end();
  }, 30s)) << "the restarted Nimbus did not copy the new code" << ha_->Logs();
  EXPECT_TRUE(ha_->HoldsCode(old, id));
  EXPECT_EQ(ha_->Leader(), leader);
  gen::ClusterSummary summary;
  NimbusClient::Connect(ha_->cluster().ClientConfig())->api().getClusterInfo(summary);
  int leaders = 0;
  for (const auto& n : summary.nimbuses) {
    leaders += n.isLeader ? 1 : 0;
    if (n.port == std::stoi(ha_->HostPort(old).substr(10))) {
      EXPECT_FALSE(n.isLeader);
    }
  }
  EXPECT_EQ(summary.nimbuses.size(), 3u);
  EXPECT_EQ(leaders, 1);
}

// 3.
TEST_F(NimbusHaTest, APausedLeaderWritesNothingWhenItResumesAndStepsDown) {
  StartCluster(AnyZooKeeper());
  const std::string id = SubmitReplaying(1'000'000, 2000);
  ASSERT_FALSE(HasFailure());
  const int old = ha_->Leader();
  // Every change of the topology's state from now on, by anyone.
  StateStorage& storage = ha_->cluster().state().storage();
  const std::vector<std::string> watched = {"/storms/" + id, "/assignments/" + id};
  std::mutex mutex;
  std::vector<std::string> changes;
  const int listener = storage.AddListener([&](const WatchEvent& e) {
    if (std::find(watched.begin(), watched.end(), e.path) == watched.end()) return;
    {
      std::lock_guard<std::mutex> lock(mutex);
      changes.push_back(e.path);
    }
    storage.Exists(e.path, /*watch=*/true);
  });
  for (const std::string& path : watched) storage.Exists(path, /*watch=*/true);
  const auto changed = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return changes.size();
  };

  const pid_t paused = ha_->nimbus(old).pid();
  ASSERT_EQ(::kill(paused, SIGSTOP), 0);
  const int leader = WaitForNewLeader(old);
  ASSERT_GE(leader, 0) << ha_->Logs();
  // A client that still takes the paused one for the leader sends it a
  // write; it waits in the paused process's socket.
  auto write = std::async(std::launch::async, [&]() -> std::string {
    try {
      auto client = NimbusClient::ConnectTo("127.0.0.1", std::stoi(ha_->HostPort(old).substr(10)),
                                            ha_->cluster().ClientConfig());
      client->Call([](gen::NimbusClient& c) { c.deactivate("replaying"); });
      return "(accepted)";
    } catch (const std::exception& e) {
      return e.what();
    }
  });
  std::this_thread::sleep_for(2s);
  const size_t before_resume = changed();
  ASSERT_EQ(::kill(paused, SIGCONT), 0);

  ASSERT_EQ(write.wait_for(60s), std::future_status::ready);
  const std::string answer = write.get();
  EXPECT_NE(answer.find("not the leader"), std::string::npos) << answer;
  EXPECT_TRUE(Eventually([&] {
    return testing::ReadFile(ha_->nimbus(old).log_path()).find("is no longer the leader") !=
           std::string::npos;
  }, 30s)) << "the paused leader did not step down" << ha_->Logs();
  std::this_thread::sleep_for(3s);  // its monitor has run a few rounds since
  EXPECT_EQ(changed(), before_resume) << "a write landed after the paused leader resumed";
  EXPECT_EQ(ha_->cluster().state().GetStormBase(id)->status, TopologyStatus::kActive);
  EXPECT_EQ(ha_->Leader(), leader);
  storage.RemoveListener(listener);
  // It is a follower now: in line again behind the new leader.
  EXPECT_EQ(ha_->cluster().state().LeaderCandidates().size(), 3u);
}

// 4.
TEST_F(NimbusHaTest, ANimbusWithAnEmptyDiskLeadsOnlyOnceItHoldsAllTheCode) {
  StartCluster(AnyZooKeeper());
  const std::string id = SubmitReplaying(1'000'000, 2000);
  ASSERT_FALSE(HasFailure());
  // Every Nimbus that holds the code goes, and their holder nodes with
  // their sessions.
  for (int i = 0; i < ha_->size(); ++i) ha_->nimbus(i).Kill(SIGKILL);
  ASSERT_TRUE(Eventually([&] { return ha_->cluster().state().CodeHolders(id).empty(); }, 30s));

  const int fresh = ha_->AddNimbus();  // empty disk
  EXPECT_FALSE(Eventually([&] { return ha_->Leader() >= 0; }, 6s))
      << "a Nimbus without the code took the lead" << ha_->Logs();
  EXPECT_NE(testing::ReadFile(ha_->nimbus(fresh).log_path())
                .find("does not take the lead without the code"),
            std::string::npos)
      << ha_->nimbus(fresh).LogTail();

  // A Nimbus with the code returns: the fresh one copies it.
  ha_->StartNimbus(0);
  EXPECT_TRUE(Eventually([&] { return ha_->HoldsCode(fresh, id); }, 30s)) << ha_->Logs();
  EXPECT_TRUE(Eventually([&] { return ha_->Leader() >= 0; }, 30s)) << ha_->Logs();
  // With the code it can lead: it takes over when the other goes.
  ha_->nimbus(0).Kill(SIGKILL);
  EXPECT_EQ(WaitForNewLeader(0), fresh) << ha_->Logs();
  const size_t acked = Acked().size();
  EXPECT_TRUE(Eventually([&] { return Acked().size() > acked + 50; }, 30s));
  EXPECT_EQ(ha_->cluster().List()["replaying"].status, "ACTIVE");
}

// 5.
TEST_F(NimbusHaTest, WithEveryNimbusDeadFor30SecondsTheTopologyKeepsProcessing) {
  StartCluster(AnyZooKeeper());
  const std::string id = SubmitReplaying(1'000'000, 2000);
  ASSERT_FALSE(HasFailure());
  for (int i = 0; i < ha_->size(); ++i) ha_->nimbus(i).Kill(SIGKILL);
  size_t last = Acked().size();
  for (int window = 0; window < 3; ++window) {
    std::this_thread::sleep_for(10s);
    const size_t now = Acked().size();
    std::printf("[ figures  ] no Nimbus, %d-%d s: %zu ids acked\n", window * 10, window * 10 + 10,
                now - last);
    EXPECT_GT(now, last + 100) << "processing stalled without Nimbus in window " << window;
    last = now;
  }
  ha_->StartNimbus(1);
  EXPECT_EQ(WaitForNewLeader(-1), 1) << ha_->Logs();
  EXPECT_EQ(ha_->cluster().List()["replaying"].status, "ACTIVE");
  EXPECT_EQ(ha_->cluster().List()["replaying"].id, id);
}

// 6.
TEST_F(NimbusHaTest, AZooKeeperOutageWithAWorkerKilledKeepsHalfTheThroughputAndLosesNothing) {
  own_zookeeper_ = std::make_unique<testing::ZooKeeperServer>();  // this test stops it
  testing::ZooKeeperServer& zookeeper = *own_zookeeper_;
  StartCluster(zookeeper.connect_string());
  constexpr int kIds = 60'000;
  const std::string id = SubmitReplaying(kIds, 1000, 2000);
  ASSERT_FALSE(HasFailure());
  const WorkerSlot victim_slot = NonSpoutSlot(id);
  SupervisorHost& host = ha_->HostOfPort(victim_slot.port);
  const int victim = host.WorkerPids()[victim_slot.port];
  ASSERT_GT(victim, 0);

  const size_t start = Acked().size();
  std::this_thread::sleep_for(10s);
  const size_t normal = Acked().size() - start;

  zookeeper.Stop();
  const auto stopped = Clock::now();
  const size_t at_stop = Acked().size();
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const auto killed = Clock::now();
  std::optional<double> back_after;
  while (Clock::now() - stopped < 20s) {
    if (!back_after) {
      const auto pids = host.WorkerPids();
      auto it = pids.find(victim_slot.port);
      if (it != pids.end() && it->second != victim) back_after = Secs(Clock::now() - killed);
    }
    std::this_thread::sleep_for(200ms);
  }
  const size_t during = Acked().size() - at_stop;
  zookeeper.Start();
  const double outage = Secs(Clock::now() - stopped);
  std::printf("[ figures  ] acked per 10 s: %zu before; %.0f during %.1f s without ZooKeeper "
              "(worker restarted after %s s)\n",
              normal, during * 10 / outage, outage,
              back_after ? std::to_string(*back_after).c_str() : "(not yet)");
  EXPECT_GE(during * 10 / outage, normal / 2.0) << ha_->Logs();
  ASSERT_TRUE(back_after) << "the killed worker was not restarted while ZooKeeper was away"
                          << ha_->Logs();
  EXPECT_LE(*back_after, kWorkerStartTimeoutSecs);

  // Nothing lost: every id is acked in the end.
  std::set<int64_t> acked;
  EXPECT_TRUE(Eventually([&] {
    acked = Acked();
    return acked.size() == static_cast<size_t>(kIds);
  }, 180s)) << kIds - acked.size() << " ids never acked" << ha_->Logs();
}

}  // namespace
}  // namespace storm::e2e
