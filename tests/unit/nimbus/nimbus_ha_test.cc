// Nimbus high availability in-process: two Nimbuses over one cluster state
// elect one leader; the follower answers reads, refuses writes naming the
// leader, copies the code, and takes over when the leader goes, but only
// once it holds the code of every active topology; a leader whose lock node
// is gone (its session expired) writes nothing more and steps down; a
// submit waits for topology.min.replication.count holders.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "common/topology/code_dir.h"
#include "unit/nimbus/nimbus_test_fixture.h"

namespace storm::testing {
namespace {

class NimbusHaTest : public NimbusTest {
 protected:
  // A second Nimbus, "nimbus-b:6628", over the same cluster state with a
  // disk of its own; both fetch code by copying the other's files.
  void StartFollower() {
    NimbusOptions o = Options();
    Config conf = conf_;
    conf.put(Config::kStormLocalDir, (dir_.path() / "b").string());
    o.conf = conf;
    o.host = "nimbus-b";
    o.port = 6628;
    o.fetch_code = [this](const std::string& host_port, const std::string& id,
                          const std::string& dest) { Fetch(host_port, id, dest); };
    follower_ = std::make_unique<Nimbus>(o);
    follower_->Start();
  }

  void Fetch(const std::string& host_port, const std::string& id, const std::string& dest) {
    if (fetch_fails_) throw StormError("fetch refused by the test");
    Nimbus* from = host_port == "nimbus-host:6627" ? nimbus_.get() : follower_.get();
    if (from == nullptr) throw StormError("no Nimbus at " + host_port);
    for (const auto& entry : fs::directory_iterator(from->code_store().TopologyDir(id))) {
      fs::copy_file(entry.path(), fs::path(dest) / entry.path().filename());
    }
  }

  std::unique_ptr<Nimbus> follower_;
  bool fetch_fails_ = false;
};

TEST_F(NimbusHaTest, OneLeadsTheFollowerAnswersReadsAndRefusesWritesNamingTheLeader) {
  StartFollower();
  EXPECT_TRUE(nimbus_->IsLeader());
  EXPECT_FALSE(follower_->IsLeader());
  const std::string id = Submit("words");

  EXPECT_EQ(follower_->Leader().host, "nimbus-host");
  EXPECT_EQ(follower_->Leader().port, 6627);
  int leaders = 0;
  for (const NimbusInfo& n : follower_->GetClusterInfo().nimbuses) leaders += n.is_leader ? 1 : 0;
  EXPECT_EQ(leaders, 1);
  follower_->SyncCode();
  EXPECT_EQ(follower_->GetTopologyInfo(id).summary.name, "words");

  const std::string refused = "not the leader: this Nimbus (nimbus-b:6628) is a follower; the "
                              "leader is nimbus-host:6627";
  EXPECT_EQ(ErrorOf<NotLeaderError>([&] { follower_->KillTopology("words"); }), refused);
  EXPECT_EQ(ErrorOf<NotLeaderError>([&] { follower_->Deactivate("words"); }), refused);
  EXPECT_EQ(ErrorOf<NotLeaderError>([&] { follower_->Rebalance("words", {}); }), refused);
  EXPECT_EQ(ErrorOf<NotLeaderError>([&] { follower_->BeginUpload(); }), refused);
  EXPECT_EQ(ErrorOf<NotLeaderError>([&] {
              follower_->SubmitTopology("other", "", Workers(1), WordTopology());
            }),
            refused);
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kActive);
  // The follower's monitor does nothing.
  const Assignment before = AssignmentOf(id);
  clock_.AdvanceSecs(600);  // every heartbeat is long overdue
  follower_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(id), before);
}

TEST_F(NimbusHaTest, TheFollowerCopiesTheCodeAndTakesOverWhenTheLeaderGoes) {
  StartFollower();
  const std::string id = Submit("words");
  follower_->SyncCode();
  EXPECT_TRUE(follower_->code_store().Has(id));
  EXPECT_EQ(state_->CodeHolders(id),
            (std::vector<std::string>{"nimbus-b:6628", "nimbus-host:6627"}));
  const Assignment before = AssignmentOf(id);

  nimbus_->Stop();  // leaves the line (as its session's end would)
  follower_->ElectionTurn();
  EXPECT_TRUE(follower_->IsLeader());
  EXPECT_EQ(state_->Leader()->host, "nimbus-b");
  // It takes the topology as it runs, then manages it.
  follower_->RunMonitorOnce();
  EXPECT_EQ(AssignmentOf(id), before);
  follower_->Deactivate("words");
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kInactive);
  follower_->KillTopology("words", 0);
  EXPECT_FALSE(state_->GetStormBase(id));
  EXPECT_TRUE(state_->CodeKeys().empty());
}

TEST_F(NimbusHaTest, ANimbusLeadsOnlyOnceItHoldsTheCodeOfEveryActiveTopology) {
  const std::string id = Submit("words");
  fetch_fails_ = true;
  StartFollower();
  EXPECT_FALSE(follower_->code_store().Has(id));

  nimbus_->Stop();
  follower_->ElectionTurn();  // first in line, no code: gives the lock up
  EXPECT_FALSE(follower_->IsLeader());
  EXPECT_FALSE(state_->Leader());
  EXPECT_TRUE(follower_->code_store().InstalledIds().empty());

  // The old leader's disk is back (a restart); now the code can be copied.
  fetch_fails_ = false;
  StartNimbus();  // joins behind the follower's new node
  EXPECT_EQ(nimbus_->IsLeader(), true) << "the follower gave the lock up: the restarted one leads";
  nimbus_->Stop();
  follower_->ElectionTurn();
  EXPECT_TRUE(follower_->code_store().Has(id));
  EXPECT_TRUE(follower_->IsLeader());
}

TEST_F(NimbusHaTest, ALeaderWhoseLockIsGoneWritesNothingAndStepsDown) {
  const std::string id = Submit("words");
  // As after a pause past the session timeout: the lock node died with the
  // session, and this Nimbus does not know yet.
  for (const LeaderCandidate& c : state_->LeaderCandidates()) {
    storage_->DeleteRecursive(ClusterState::LeaderLockPath(c.node));
  }
  EXPECT_TRUE(nimbus_->IsLeader());
  EXPECT_THROW(nimbus_->Deactivate("words"), GuardLostError);
  EXPECT_EQ(BaseOf(id).status, TopologyStatus::kActive);
  // Its monitor, seeing every heartbeat overdue, would reassign everything:
  // refused, and it steps down.
  const Assignment before = AssignmentOf(id);
  clock_.AdvanceSecs(600);
  nimbus_->RunMonitorOnce();
  EXPECT_FALSE(nimbus_->IsLeader());
  EXPECT_EQ(AssignmentOf(id), before);
  // The next turn puts it back in line (and, alone, in the lead).
  nimbus_->ElectionTurn();
  EXPECT_TRUE(nimbus_->IsLeader());
}

TEST_F(NimbusHaTest, SubmitWaitsForTheMinimumReplicationOrTheMaximumWait) {
  StartFollower();
  Config conf = Workers(1);
  conf.put(Config::kTopologyMinReplicationCount, 2);
  conf.put(Config::kTopologyMaxReplicationWaitTimeSec, -1);
  auto submitted = std::async(std::launch::async, [&] { return Submit("words", conf); });
  EXPECT_EQ(submitted.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  EXPECT_TRUE(state_->ActiveStorms().empty()) << "not active before the code is on 2 Nimbuses";
  follower_->SyncCode();
  const std::string id = submitted.get();
  EXPECT_EQ(state_->CodeHolders(id).size(), 2u);

  // With nobody to copy it, the wait ends after max.replication.wait.
  conf.put(Config::kTopologyMinReplicationCount, 3);
  conf.put(Config::kTopologyMaxReplicationWaitTimeSec, 1);
  const auto start = std::chrono::steady_clock::now();
  const std::string other = Submit("other", conf);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_TRUE(state_->GetStormBase(other));
}

}  // namespace
}  // namespace storm::testing
