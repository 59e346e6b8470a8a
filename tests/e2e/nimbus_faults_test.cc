// Nimbus end to end, each test with a Nimbus (and for the outage a
// ZooKeeper) of its own, since it crashes, stops or configures them: state
// and code kept across a SIGKILL, actions finished after a crash, a
// ZooKeeper outage ridden out, the upload limit, heartbeat timeouts, and a
// clean stop on SIGTERM. Part of the nimbus_cli_test binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/nimbus_cluster.h"

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;
using testing::ZooKeeperDump;
using testing::ZooKeeperServer;

// Nimbus is stateless: SIGKILLed and restarted, it finds everything again
// and changes nothing.
TEST(NimbusRestartTest, SigkilledNimbusFindsItsTopologiesAssignmentsAndLibrariesAgain) {
  TestCluster cluster(AnyZooKeeper());
  LogOnFailure log(cluster);
  cluster.AddSupervisors();
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "steady", "-c", "topology.workers=2"}));
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "paused", "-c", "topology.workers=1"}));
  ExpectSuccess(cluster.Storm({"deactivate", "paused"}));
  const auto before = cluster.List();
  ASSERT_EQ(before.size(), 2u) << cluster.Storm({"list"}).out;
  const std::string library = ReadBytes(WordCountLibrary());
  std::map<std::string, Assignment> assignments;
  for (const auto& [name, t] : before) {
    auto a = cluster.state().GetAssignment(t.id);
    ASSERT_TRUE(a) << "no assignment of " << t.id;
    assignments[t.id] = *a;
    EXPECT_TRUE(ReadBytes(cluster.code_dir(t.id) / "stormjar.so") == library)
        << "stormdist/" << t.id << "/stormjar.so differs from the submitted library";
  }

  cluster.nimbus().Kill(SIGKILL);
  ExpectFailure(cluster.Storm({"list"}),
                {"Nimbus unreachable at 127.0.0.1:" + std::to_string(cluster.port())});
  cluster.StartNimbus();

  const auto after = cluster.List();
  ASSERT_EQ(after.size(), 2u) << cluster.Storm({"list"}).out;
  for (const auto& [name, t] : before) {
    EXPECT_EQ(after.at(name).id, t.id) << name;
    EXPECT_EQ(after.at(name).status, t.status) << name;
    EXPECT_EQ(after.at(name).workers, t.workers) << name;
    EXPECT_EQ(after.at(name).tasks, t.tasks) << name;
  }
  // The restarted Nimbus's monitor runs a few rounds, in which it could
  // change something it should not.
  ASSERT_TRUE(cluster.MonitorRoundsPass(3)) << "the restarted Nimbus's monitor does not run";
  for (const auto& [id, a] : assignments) {
    auto now = cluster.state().GetAssignment(id);
    ASSERT_TRUE(now) << "the assignment of " << id << " is gone";
    EXPECT_TRUE(*now == a) << id << " was " << Describe(a) << ", now " << Describe(*now);
    EXPECT_TRUE(ReadBytes(cluster.code_dir(id) / "stormjar.so") == library)
        << "stormdist/" << id << "/stormjar.so changed";
  }
  EXPECT_EQ(cluster.List()["paused"].status, "INACTIVE");

  // And it takes new work, on a slot nobody holds.
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "second", "-c", "topology.workers=1"}));
  auto listed = cluster.List();
  ASSERT_EQ(listed.count("second"), 1u);
  EXPECT_EQ(listed["second"].status, "ACTIVE");
  auto second = cluster.state().GetAssignment(listed["second"].id);
  ASSERT_TRUE(second) << "the second topology is not assigned";
  for (const auto& [id, a] : assignments) {
    for (const WorkerSlot& slot : SlotsOf(*second)) {
      EXPECT_EQ(SlotsOf(a).count(slot), 0u) << "second shares a slot with " << id;
    }
  }
}

// Clients find the leader through /nimbuses (getLeader, as Storm's do). The
// killed Nimbus's entry there is an ephemeral node of its session, which
// ZooKeeper ends a session timeout after the kill: the restarted Nimbus's
// entry must not go with it. A ZooKeeper of its own, whose sessions and
// node owners the test reads (four-letter command "dump").
TEST(NimbusRestartTest, RestartedNimbusStaysTheLeaderAfterTheKilledOnesSessionExpires) {
  ZooKeeperServer zookeeper;
  TestCluster cluster(zookeeper.connect_string(), {"-c", "storm.zookeeper.session.timeout=2000"});
  LogOnFailure log(cluster);
  const std::vector<NimbusInfo> registered = cluster.state().Nimbuses();
  ASSERT_EQ(registered.size(), 1u);
  const std::string entry =
      cluster.root() + "/nimbuses/" + registered[0].host + ":" + std::to_string(registered[0].port);
  const std::set<std::string> before = zookeeper.Dump().sessions;  // the test's, Nimbus's
  ASSERT_EQ(zookeeper.Dump().ephemeral_owner.count(entry), 1u) << entry << " is no ephemeral node";
  cluster.nimbus().Kill(SIGKILL);
  cluster.StartNimbus();
  // The restarted Nimbus takes the entry over: it belongs to a session made
  // after the kill, so the end of the killed Nimbus's session cannot take it.
  std::string owner;
  EXPECT_TRUE(Eventually([&] {
    const ZooKeeperDump dump = zookeeper.Dump();
    auto it = dump.ephemeral_owner.find(entry);
    owner = it == dump.ephemeral_owner.end() ? "" : it->second;
    return !owner.empty() && before.count(owner) == 0;
  })) << entry
      << " is owned by " << (owner.empty() ? "no session" : owner)
      << ", a session of before the kill";
  // And when that end comes (a session timeout, 2 s, after the kill), the
  // entry is still there.
  ASSERT_TRUE(Eventually(
      [&] {
        const std::set<std::string> now = zookeeper.Dump().sessions;
        return std::any_of(before.begin(), before.end(),
                           [&](const std::string& s) { return now.count(s) == 0; });
      },
      30s))
      << "the killed Nimbus's session does not end";
  auto client = NimbusClient::Connect(cluster.ClientConfig());
  try {
    gen::NimbusSummary leader;
    client->api().getLeader(leader);
    EXPECT_EQ(leader.port, cluster.port());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "getLeader: " << e.what();
  }
  EXPECT_EQ(cluster.state().Nimbuses().size(), 1u)
      << "entries under /nimbuses: the restarted Nimbus's entry went away with the killed "
         "Nimbus's session";
}

// A kill or a rebalance waiting when Nimbus crashes is carried out by the
// restarted Nimbus (its wait starts again): no topology is left half killed.
TEST(NimbusRestartTest, KillAndRebalanceInterruptedByACrashAreFinishedAfterRestart) {
  TestCluster cluster(AnyZooKeeper());
  LogOnFailure log(cluster);
  cluster.AddSupervisors();
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "doomed"}));
  ExpectSuccess(
      cluster.Storm({"jar", WordCountLibrary(), "shrinking", "-c", "topology.workers=2"}));
  const std::string doomed = cluster.List()["doomed"].id;
  ExpectSuccess(cluster.Storm({"kill", "doomed", "-w", "3"}));
  ExpectSuccess(cluster.Storm({"rebalance", "shrinking", "-w", "3", "-n", "1"}));
  cluster.nimbus().Kill(SIGKILL);
  cluster.StartNimbus();

  auto listed = cluster.List();
  EXPECT_EQ(listed["doomed"].status, "KILLED");
  EXPECT_EQ(listed["shrinking"].status, "REBALANCING");
  EXPECT_TRUE(Eventually([&] {
    listed = cluster.List();
    return listed.count("doomed") == 0 && listed["shrinking"].status == "ACTIVE" &&
           listed["shrinking"].workers == 1;
  })) << "after the restart:\n"
      << cluster.Storm({"list"}).out;
  EXPECT_FALSE(fs::exists(cluster.code_dir(doomed)));
  EXPECT_FALSE(cluster.state().GetAssignment(doomed));
}

// ZooKeeper away for a few seconds: Nimbus rides it out and serves again.
TEST(ZooKeeperOutageTest, NimbusServesAgainAfterZooKeeperComesBack) {
  ZooKeeperServer zookeeper;
  TestCluster cluster(zookeeper.connect_string());
  LogOnFailure log(cluster);
  cluster.AddSupervisors();
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "before", "-c", "topology.workers=1"}));
  const std::string id = cluster.List()["before"].id;

  zookeeper.Stop();
  // A command during the outage may fail, with one clear line, but ends.
  CommandResult during;
  std::thread client([&] { during = cluster.Storm({"list"}, 90s); });
  std::this_thread::sleep_for(4s);  // the outage lasts
  zookeeper.Start();
  client.join();
  EXPECT_FALSE(during.timed_out) << during.Describe();
  if (during.status != 0) {
    EXPECT_EQ(std::count(during.err.begin(), during.err.end(), '\n'), 1) << during.Describe();
  }

  CommandResult list;
  EXPECT_TRUE(Eventually(
      [&] {
        list = cluster.Storm({"list"});
        return list.status == 0;
      },
      30s))
      << "storm list does not answer after ZooKeeper came back: " << list.Describe();
  auto listed = ParseList(list.out);
  EXPECT_EQ(listed["before"].id, id);
  EXPECT_EQ(listed["before"].status, "ACTIVE");

  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "after", "-c", "topology.workers=1"}));
  listed = cluster.List();
  ASSERT_EQ(listed.count("after"), 1u) << cluster.Storm({"list"}).out;
  EXPECT_EQ(listed["after"].status, "ACTIVE");
  EXPECT_TRUE(Eventually([&] {
    return cluster.state().GetAssignment(listed["after"].id).has_value();
  })) << "the topology submitted after the outage is not assigned";
  EXPECT_TRUE(cluster.nimbus().Alive()) << cluster.nimbus().exit_description();
}

// An upload past nimbus.max.upload.bytes is refused and leaves no file.
TEST(NimbusUploadLimitTest, UploadPastTheLimitIsRefusedAndLeavesNoFile) {
  TestCluster cluster(AnyZooKeeper(), {"-c", "nimbus.max.upload.bytes=100000"});
  LogOnFailure log(cluster);
  ASSERT_GT(fs::file_size(WordCountLibrary()), 100000u);
  ExpectFailure(cluster.Storm({"jar", WordCountLibrary(), "big"}),
                {"storm jar:", "nimbus.max.upload.bytes"});
  const std::vector<std::string> left = cluster.InboxFiles();
  EXPECT_TRUE(left.empty()) << "the inbox holds " << left.size() << " files, e.g. " << left[0];
  EXPECT_EQ(cluster.List().count("big"), 0u);
  EXPECT_TRUE(cluster.nimbus().Alive()) << cluster.nimbus().exit_description();
}

// Executors whose worker stops heartbeating are reassigned after
// nimbus.task.timeout.secs; those whose heartbeats keep coming stay.
TEST(NimbusHeartbeatTest, ExecutorsWhoseHeartbeatsStopAreReassigned) {
  TestCluster cluster(AnyZooKeeper(),
                      {"-c", "nimbus.task.launch.secs=2", "-c", "nimbus.task.timeout.secs=3"});
  LogOnFailure log(cluster);
  cluster.AddSupervisors();
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "beats", "-c", "topology.workers=2"}));
  const std::string id = cluster.List()["beats"].id;
  const std::optional<Assignment> before = cluster.state().GetAssignment(id);
  ASSERT_TRUE(before);
  ASSERT_EQ(SlotsOf(*before).size(), 2u) << Describe(*before);
  const WorkerSlot beating = *SlotsOf(*before).begin();
  const WorkerSlot silent = *SlotsOf(*before).rbegin();

  // The worker of one slot heartbeats (as a worker does, with its time in
  // seconds), the other's never does.
  std::atomic<bool> stop{false};
  std::thread worker([&] {
    const auto started = std::chrono::steady_clock::now();
    while (!stop) {
      WorkerHeartbeat beat;
      beat.topology_id = id;
      beat.time_secs = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      beat.uptime_secs = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
      for (const auto& [e, slot] : before->executor_slot) {
        if (slot == beating) beat.executor_stats[e] = ExecutorBeatStats{};
      }
      try {
        cluster.state().SetWorkerHeartbeat(id, beating, beat);
      } catch (const std::exception&) {
        // The next beat tries again.
      }
      std::this_thread::sleep_for(250ms);  // pacing: a worker beats every few hundred ms
    }
  });
  std::optional<Assignment> after;
  const bool moved = Eventually(
      [&] {
        after = cluster.state().GetAssignment(id);
        return after && SlotsOf(*after).count(silent) == 0;
      },
      30s);
  stop = true;
  worker.join();
  ASSERT_TRUE(moved) << "the executors of the silent worker were not reassigned: "
                     << (after ? Describe(*after) : "no assignment");
  EXPECT_EQ(after->executor_slot.size(), before->executor_slot.size()) << Describe(*after);
  for (const auto& [e, slot] : before->executor_slot) {
    if (slot == beating) {
      EXPECT_TRUE(after->executor_slot.at(e) == beating)
          << "executor [" << e.first << " " << e.second << "] of the heartbeating worker moved";
      EXPECT_EQ(after->executor_start_time_secs.at(e), before->executor_start_time_secs.at(e));
    } else {
      EXPECT_FALSE(after->executor_slot.at(e) == beating)
          << "executor [" << e.first << " " << e.second
          << "] was put into the running worker instead of a free slot";
    }
  }
}

// SIGTERM stops Nimbus cleanly (exit status 0), as a service manager expects.
TEST(NimbusDaemonTest, SigtermStopsNimbusCleanly) {
  TestCluster cluster(AnyZooKeeper());
  LogOnFailure log(cluster);
  ExpectSuccess(cluster.Storm({"list"}));
  cluster.nimbus().Stop(10s);
  EXPECT_EQ(cluster.nimbus().exit_description(), "exit status 0")
      << "Nimbus did not stop on SIGTERM within 10 s or failed";
  EXPECT_FALSE(testing::AcceptsConnections(cluster.port()));
}

}  // namespace
}  // namespace storm::e2e
