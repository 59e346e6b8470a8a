// The multi-process cluster of issue #4: a real ZooKeeper, storm-nimbus, two
// storm-supervisor processes standing for two hosts (each its own
// storm.local.dir and slot ports), and storm-worker processes they start.
// Topologies are submitted with the CLI.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "e2e/cluster_hosts.h"

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;

class ClusterTest : public ::testing::Test {
 protected:
  ClusterTest()
      : cluster_(AnyZooKeeper(), {"-c", "nimbus.task.timeout.secs=10", "-c",
                                  "nimbus.task.launch.secs=20"}) {
    a_ = std::make_unique<SupervisorHost>(cluster_, "a", std::vector<int>{Port(), Port()});
    b_ = std::make_unique<SupervisorHost>(cluster_, "b", std::vector<int>{Port(), Port()});
    EXPECT_TRUE(Eventually([&] { return cluster_.state().SupervisorIds().size() == 2; }, 30s))
        << Logs();
  }
  ~ClusterTest() override {
    if (HasFailure()) std::cerr << Logs() << std::flush;
    cluster_.KillAll();
  }

  static int Port() { return testing::FreePort(); }

  std::string Logs() const { return a_->Logs() + b_->Logs(); }

  TestCluster cluster_;
  std::unique_ptr<SupervisorHost> a_;
  std::unique_ptr<SupervisorHost> b_;
  TempDir files_;
};

TEST_F(ClusterTest, WordCountOnFourWorkersOfTwoSupervisorsGivesExactCounts) {
  // A finite input: 300 lines over a small vocabulary.
  const std::vector<std::string> lines = {"the quick brown fox", "jumps over the lazy dog",
                                          "the dog sleeps"};
  std::map<std::string, int64_t> expected;
  {
    std::ofstream in(files_ / "input.txt");
    for (int i = 0; i < 100; ++i) {
      for (const auto& line : lines) {
        in << line << '\n';
        std::istringstream words(line);
        for (std::string w; words >> w;) ++expected[w];
      }
    }
  }
  const std::string output = (files_ / "counts.txt").string();
  ExpectSuccess(cluster_.Storm({"jar", WordCountLibrary(), "wc", "-c", "topology.workers=4", "-c",
                                "wordcount.input.file=" + (files_ / "input.txt").string(), "-c",
                                "wordcount.output.file=" + output}));
  const std::string id = cluster_.List()["wc"].id;
  ASSERT_FALSE(id.empty());

  // Four worker processes, on both supervisors, all distinct OS processes.
  ASSERT_TRUE(Eventually([&] { return a_->WorkerPids().size() + b_->WorkerPids().size() == 4; },
                         60s))
      << Logs();
  std::set<int> pids;
  for (auto* host : {a_.get(), b_.get()}) {
    EXPECT_EQ(host->WorkerPids().size(), 2u) << host->name();
    for (const auto& [port, pid] : host->WorkerPids()) {
      pids.insert(pid);
      EXPECT_NE(CmdlineOf(pid).find("storm-worker"), std::string::npos) << pid;
    }
  }
  EXPECT_EQ(pids.size(), 4u);

  // Every sentence acked, then the reporter writes its counts when killed.
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) >= 300; }, 90s))
      << "acked " << SpoutAcked(cluster_, id) << Logs();
  ExpectSuccess(cluster_.Storm({"kill", "wc", "-w", "1"}));
  ASSERT_TRUE(Eventually([&] { return fs::exists(output) && fs::file_size(output) > 0; }, 60s))
      << Logs();
  ASSERT_TRUE(Eventually([&] { return a_->WorkerPids().empty() && b_->WorkerPids().empty(); }, 60s))
      << "workers left after the kill" << Logs();
  std::map<std::string, int64_t> counted;
  std::ifstream out(output);
  for (std::string word; out >> word;) out >> counted[word];
  EXPECT_EQ(counted, expected);
}

TEST_F(ClusterTest, AKilledWorkerIsRestartedByItsSupervisorAndTheTopologyGoesOn) {
  ExpectSuccess(cluster_.Storm({"jar", WordCountLibrary(), "wc", "-c", "topology.workers=2", "-c",
                                "topology.message.timeout.secs=5"}));
  const std::string id = cluster_.List()["wc"].id;
  ASSERT_TRUE(Eventually([&] { return a_->WorkerPids().size() + b_->WorkerPids().size() == 2; },
                         60s))
      << Logs();
  ASSERT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > 0; }, 60s)) << Logs();
  SupervisorHost& host = a_->WorkerPids().empty() ? *b_ : *a_;
  const auto [port, pid] = *host.WorkerPids().begin();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_TRUE(Eventually([&, port = port, pid = pid] {
    auto now = host.WorkerPids();
    return now.count(port) != 0 && now.at(port) != pid;
  }, 60s)) << "no new worker on port " << port << Logs();
  const int64_t before = SpoutAcked(cluster_, id);
  EXPECT_TRUE(Eventually([&] { return SpoutAcked(cluster_, id) > before + 100; }, 60s))
      << "the topology does not go on after the restart" << Logs();
}

}  // namespace
}  // namespace storm::e2e
