// Nimbus and the `storm` CLI end to end (issue #3): a real ZooKeeper,
// storm-nimbus as its own process, and build/bin/storm run as a user runs
// it, with its exit status and output checked.
//
// There are no supervisors yet (issue #4): to get assignments the tests
// register fake ones, SupervisorInfo records written through a ZooKeeper
// session of their own (ephemeral nodes, alive as long as that session).
//
// These tests share one ZooKeeper and one Nimbus (the suite fixture), each
// removing its topologies when it ends; the tests that SIGKILL Nimbus, stop
// ZooKeeper or need another Nimbus config are in nimbus_faults_test.cc.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/topology/topology_library.h"
#include "e2e/nimbus_cluster.h"
#include "common/topology/topology_thrift.h"
#include "storm/storm.h"
#include <nlohmann/json.hpp>

namespace storm::e2e {
namespace {

using testing::AnyZooKeeper;

// ---- The suite's shared ZooKeeper, Nimbus and two fake supervisors -----------------------

class NimbusCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      cluster_ = new TestCluster(AnyZooKeeper());
      cluster_->AddSupervisors();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
      delete cluster_;
      cluster_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr) << "cannot start the cluster: " << setup_error_;
    ASSERT_TRUE(cluster_->nimbus().Alive())
        << "Nimbus is not running (" << cluster_->nimbus().exit_description()
        << "); the end of its log:\n"
        << cluster_->nimbus().LogTail();
  }

  void TearDown() override {
    if (cluster_ == nullptr) return;
    if (HasFailure()) {
      std::cerr << "the end of Nimbus's log (" << cluster_->nimbus().log_path().string() << "):\n"
                << cluster_->nimbus().LogTail() << std::flush;
    }
    if (cluster_->nimbus().Alive()) cluster_->KillAll();
  }

  TestCluster& cluster() { return *cluster_; }

  static TestCluster* cluster_;
  static std::string setup_error_;
};

TestCluster* NimbusCliTest::cluster_ = nullptr;
std::string NimbusCliTest::setup_error_;

// The lifecycle a user drives through the CLI.
TEST_F(NimbusCliTest, SubmitListDeactivateActivateRebalanceKillAndResubmit) {
  CommandResult jar =
      cluster().Storm({"jar", WordCountLibrary(), "wc", "-c", "topology.workers=3"});
  ExpectSuccess(jar);
  EXPECT_NE(jar.out.find("submitted topology wc as wc-"), std::string::npos) << jar.Describe();

  auto listed = cluster().List();
  ASSERT_EQ(listed.count("wc"), 1u) << "storm list does not show wc:\n"
                                    << cluster().Storm({"list"}).out;
  const ListedTopology wc = listed["wc"];
  EXPECT_EQ(wc.status, "ACTIVE");
  EXPECT_EQ(wc.workers, 3);
  // Ackers default to one per worker; each executor runs one task here.
  EXPECT_EQ(wc.tasks, kWordCountUserExecutors + 3);
  EXPECT_FALSE(wc.owner.empty()) << "storm jar submits as the user running it";
  EXPECT_EQ(wc.id.rfind("wc-", 0), 0u) << wc.id;

  // The assignment in ZooKeeper: every executor on one of 3 slots, evenly,
  // over both supervisors, with their host names.
  std::optional<Assignment> assignment = cluster().state().GetAssignment(wc.id);
  ASSERT_TRUE(assignment) << "no assignment of " << wc.id << " in ZooKeeper";
  EXPECT_EQ(SlotsOf(*assignment).size(), 3u) << Describe(*assignment);
  EXPECT_EQ(static_cast<int>(assignment->executor_slot.size()), kWordCountUserExecutors + 3)
      << Describe(*assignment);
  EXPECT_TRUE(EvenlySpread(*assignment)) << Describe(*assignment);
  EXPECT_EQ(NodesOf(*assignment), (std::set<std::string>{"supervisor-a", "supervisor-b"}))
      << Describe(*assignment);
  EXPECT_EQ(assignment->node_host["supervisor-a"], "host-a");
  EXPECT_EQ(assignment->executor_start_time_secs.size(), assignment->executor_slot.size());
  EXPECT_TRUE(fs::exists(cluster().code_dir(wc.id) / "stormjar.so"));

  ExpectSuccess(cluster().Storm({"deactivate", "wc"}));
  EXPECT_EQ(cluster().List()["wc"].status, "INACTIVE");
  ExpectSuccess(cluster().Storm({"activate", "wc"}));
  EXPECT_EQ(cluster().List()["wc"].status, "ACTIVE");

  ExpectSuccess(cluster().Storm({"rebalance", "wc", "-w", "0", "-n", "2"}));
  ListedTopology rebalanced;
  EXPECT_TRUE(Eventually([&] {
    rebalanced = cluster().List()["wc"];
    return rebalanced.workers == 2 && rebalanced.status == "ACTIVE";
  })) << "after rebalance -n 2, storm list shows wc "
      << rebalanced.status << " on " << rebalanced.workers << " workers";
  EXPECT_EQ(rebalanced.id, wc.id);
  assignment = cluster().state().GetAssignment(wc.id);
  ASSERT_TRUE(assignment);
  EXPECT_EQ(SlotsOf(*assignment).size(), 2u) << Describe(*assignment);
  EXPECT_TRUE(EvenlySpread(*assignment)) << Describe(*assignment);

  // Killed: shown as KILLED during its wait, then gone with its code.
  ExpectSuccess(cluster().Storm({"kill", "wc", "-w", "2"}));
  EXPECT_EQ(cluster().List()["wc"].status, "KILLED");
  EXPECT_TRUE(Eventually([&] { return cluster().List().count("wc") == 0; }))
      << "wc still listed after its kill wait:\n"
      << cluster().Storm({"list"}).out;
  EXPECT_FALSE(fs::exists(cluster().code_dir(wc.id))) << cluster().code_dir(wc.id);
  EXPECT_FALSE(cluster().state().GetAssignment(wc.id)) << "the assignment is still in ZooKeeper";
  EXPECT_FALSE(cluster().state().GetStormBase(wc.id)) << "the topology is still in ZooKeeper";

  // The name is free again.
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "wc"}));
  listed = cluster().List();
  EXPECT_EQ(listed["wc"].status, "ACTIVE");
  EXPECT_NE(listed["wc"].id, wc.id);
}

// A refusal: status 1 (a usage error would be 2) and one line naming why.
void ExpectRefusal(const CommandResult& r, const std::vector<std::string>& fragments) {
  ExpectFailure(r, fragments);
  EXPECT_EQ(r.status, 1) << r.Describe();
}

// Every way a command can be refused: status 1, one line naming why, and
// nothing left on the cluster.
TEST_F(NimbusCliTest, EveryRefusalExitsNonZeroWithOneLineNamingTheReason) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "alive"}));
  // A name that cannot be taken is refused before the library is uploaded.
  const size_t inbox_files = cluster().InboxFiles().size();
  ExpectRefusal(cluster().Storm({"jar", WordCountLibrary(), "alive"}),
                {"storm jar: already alive", "'alive'"});
  for (const std::string name : {"a/b", "a.b", "a:b"}) {
    ExpectRefusal(cluster().Storm({"jar", WordCountLibrary(), name}),
                  {"storm jar: invalid topology", "'" + name + "'"});
  }
  EXPECT_EQ(cluster().InboxFiles().size(), inbox_files)
      << "a refused name left its upload in Nimbus's inbox";

  ExpectRefusal(cluster().Storm({"jar", TestLibrary("test_no_entry"), "x"}),
                {"storm jar:", "has no entry point storm_topology_entry"});
  ExpectRefusal(cluster().Storm({"jar", TestLibrary("test_wrong_abi"), "x"}),
                {"storm jar:", "built for topology ABI version 99"});
  ExpectRefusal(cluster().Storm({"jar", TestLibrary("test_throwing_main"), "x"}),
                {"storm jar:", "boom: the main gave up"});
  ExpectRefusal(cluster().Storm({"jar", TestLibrary("test_invalid_topology")}),
                {"storm jar: invalid topology", "unknown component 'nowhere'"});
  ExpectRefusal(
      cluster().Storm({"jar", WordCountLibrary(), "noworkers", "-c", "topology.workers=0"}),
      {"storm jar:", "topology.workers"});
  ExpectRefusal(cluster().Storm({"jar", WordCountLibrary(), "badconf", "-c",
                                 "topology.message.timeout.secs=abc"}),
                {"storm jar:", "topology.message.timeout.secs"});

  for (const std::string command : {"kill", "activate", "deactivate", "rebalance"}) {
    ExpectRefusal(cluster().Storm({command, "nosuch"}),
                  {"storm " + command + ": no such topology", "nosuch"});
  }
  ExpectRefusal(cluster().Storm({"rebalance", "alive", "-w", "0", "-e", "nosuch=2"}),
                {"storm rebalance:", "no component 'nosuch'"});

  // Nimbus is not there: a closed port.
  const testing::RefusingPort refusing;  // held, nobody listens there
  const int closed = refusing.port();
  const std::string unreachable = "Nimbus unreachable at 127.0.0.1:" + std::to_string(closed);
  const std::string port_option = "nimbus.thrift.port=" + std::to_string(closed);
  ExpectRefusal(cluster().Storm({"list", "-c", port_option}), {"storm list:", unreachable});
  ExpectRefusal(cluster().Storm({"kill", "alive", "-c", port_option}),
                {"storm kill:", unreachable});
  ExpectRefusal(cluster().Storm({"jar", WordCountLibrary(), "x", "-c", port_option}),
                {"storm jar:", unreachable});

  // None of the refused submissions left a topology behind.
  auto listed = cluster().List();
  EXPECT_EQ(listed.size(), 1u) << cluster().Storm({"list"}).out;
  EXPECT_EQ(listed["alive"].status, "ACTIVE");
}

// A command line that makes no sense: status 2 and one line, "storm <verb>:
// <reason>" (the verb said once), naming the word or option at fault.
// Nothing reaches Nimbus.
TEST_F(NimbusCliTest, UsageErrorsExit2WithOneLineNamingTheVerbOnce) {
  const struct {
    std::vector<std::string> args;
    std::string line;
  } cases[] = {
      {{"frobnicate"}, "storm: unknown command 'frobnicate' (see storm --help)"},
      {{"--log-level", "info", "frobnicate"}, "storm: unknown command 'frobnicate' (see storm --help)"},
      {{"--frob", "list"}, "storm list: unknown option '--frob'"},
      {{"list", "extra"}, "storm list: unexpected argument 'extra'"},
      {{"list", "--log-level", "verbose"},
       "storm list: --log-level: unknown level 'verbose' (trace, debug, info, warn, error, "
       "critical or off)"},
      {{"list", "-c"}, "storm list: option -c needs a value"},
      {{"list", "-c", "topology.workers"},
       "storm list: -c: expected KEY=VALUE, got 'topology.workers'"},
      {{"list", "--config"}, "storm list: option --config needs a value"},
      {{"kill"}, "storm kill: topology-name is required"},
      {{"kill", "wc", "-w"}, "storm kill: option --wait needs a value"},
      {{"kill", "wc", "-w", "abc"}, "storm kill: --wait: expected a whole number >= 0, got 'abc'"},
      {{"activate", "a", "b"}, "storm activate: unexpected argument 'b'"},
      {{"deactivate", "--wait", "3", "wc"}, "storm deactivate: unknown option '--wait'"},
      {{"rebalance", "wc", "-n", "two"},
       "storm rebalance: --num-workers: expected a whole number >= 0, got 'two'"},
      {{"rebalance", "wc", "-e", "split"},
       "storm rebalance: --executor: expected COMPONENT=PARALLELISM, got 'split'"},
      {{"rebalance", "wc", "-e", "split=many"},
       "storm rebalance: --executor: component split: expected a whole number >= 0, got 'many'"},
      {{"jar"}, "storm jar: a topology library (.so) is required"},
      {{"jar", "--frob", WordCountLibrary(), "wc"}, "storm jar: unknown option '--frob'"},
      {{"jar", WordCountLibrary(), "wc", "-c"}, "storm jar: option -c needs a value"},
      {{"nimbus", "extra"}, "storm nimbus: unexpected argument 'extra'"},
      {{"supervisor", "--port", "6700"}, "storm supervisor: unknown option '--port'"},
      {{"version", "2"}, "storm version: unexpected argument '2'"},
  };
  for (const auto& c : cases) {
    const CommandResult r = cluster().Storm(c.args);
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(r.err, c.line + "\n") << r.Describe();
    EXPECT_EQ(r.out, "") << r.Describe();
  }

  const std::string bin = testing::BuildDir() + "/bin/";
  const struct {
    std::vector<std::string> argv;
    std::string line;
  } daemon_cases[] = {
      {{bin + "storm-nimbus", "extra"}, "storm-nimbus: unexpected argument 'extra'"},
      {{bin + "storm-nimbus", "--log-level", "loud"},
       "storm-nimbus: --log-level: unknown level 'loud' (trace, debug, info, warn, error, "
       "critical or off)"},
      {{bin + "storm-supervisor", "-c"}, "storm-supervisor: option -c needs a value"},
      {{bin + "storm-worker"}, "storm-worker: --topology-id is required"},
      {{bin + "storm-worker", "--topology-id", "t", "--supervisor-id", "s", "--worker-id", "w",
        "--port", "70000"},
       "storm-worker: --port: expected a whole number from 1 to 65535, got '70000'"},
      {{bin + "storm-worker", "--topology-id", "t", "--supervisor-id", "s", "--worker-id", "w",
        "--port"},
       "storm-worker: option --port needs a value"},
  };
  for (const auto& c : daemon_cases) {
    const CommandResult r = testing::RunProgram(c.argv, {}, 30s);
    EXPECT_EQ(r.status, 2) << r.Describe();
    EXPECT_EQ(r.err, c.line + "\n") << r.Describe();
  }
  EXPECT_TRUE(cluster().List().empty()) << cluster().Storm({"list"}).out;
}

// `--help` of storm, of each verb and of each daemon: the usage and the
// options on stdout, status 0.
TEST_F(NimbusCliTest, EveryCommandHasHelp) {
  const CommandResult storm = cluster().Storm({"--help"});
  EXPECT_EQ(storm.status, 0) << storm.Describe();
  EXPECT_NE(storm.out.find("Usage: storm [OPTIONS] <command> [args...]"), std::string::npos)
      << storm.out;
  const std::map<std::string, std::vector<std::string>> verbs = {
      {"jar", {"Usage: storm jar [OPTIONS] <topology.so> [args...]", "-c KEY=VALUE"}},
      {"local",
       {"Usage: storm local [OPTIONS] <topology.so> [args...]", "--local-ttl,--duration SECS"}},
      {"list", {"Usage: storm list [OPTIONS]", "--config FILE"}},
      {"kill", {"Usage: storm kill [OPTIONS] <topology-name>", "-w,--wait SECS"}},
      {"activate", {"Usage: storm activate [OPTIONS] <topology-name>"}},
      {"deactivate", {"Usage: storm deactivate [OPTIONS] <topology-name>"}},
      {"rebalance",
       {"Usage: storm rebalance [OPTIONS] <topology-name>", "-w,--wait SECS",
        "-n,--num-workers WORKERS", "-e,--executor COMPONENT=PARALLELISM"}},
      {"nimbus", {"Usage: storm nimbus [OPTIONS]", "--log-level LEVEL"}},
      {"supervisor", {"Usage: storm supervisor [OPTIONS]", "--log-level LEVEL"}},
      {"version", {"Usage: storm version [OPTIONS]"}},
      {"help", {"Usage: storm help [<command>]"}},
  };
  for (const auto& [verb, fragments] : verbs) {
    EXPECT_NE(storm.out.find("\n  " + verb + " "), std::string::npos)
        << "storm --help does not list " << verb << ":\n" << storm.out;
    const CommandResult help = cluster().Storm({verb, "--help"});
    EXPECT_EQ(help.status, 0) << help.Describe();
    EXPECT_EQ(help.err, "") << help.Describe();
    for (const std::string& fragment : fragments) {
      EXPECT_NE(help.out.find(fragment), std::string::npos)
          << "storm " << verb << " --help does not say \"" << fragment << "\":\n" << help.out;
    }
  }
  const CommandResult kill = cluster().Storm({"help", "kill"});
  EXPECT_EQ(kill.status, 0) << kill.Describe();
  EXPECT_EQ(kill.out, cluster().Storm({"kill", "--help"}).out);

  const std::string bin = testing::BuildDir() + "/bin/";
  const std::map<std::string, std::string> daemons = {
      {"storm-nimbus", "--config FILE"},
      {"storm-supervisor", "--config FILE"},
      {"storm-worker", "--topology-id ID"},
  };
  for (const auto& [daemon, option] : daemons) {
    const CommandResult help = testing::RunProgram({bin + daemon, "--help"}, {}, 30s);
    EXPECT_EQ(help.status, 0) << help.Describe();
    EXPECT_NE(help.out.find("Usage: " + daemon + " [OPTIONS]"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find(option), std::string::npos) << help.out;
    // The hidden command Nimbus runs on itself stays hidden.
    EXPECT_EQ(help.out.find("check-library"), std::string::npos) << help.out;
  }
  EXPECT_EQ(storm.out.find("check-library"), std::string::npos) << storm.out;
}

// The words after the library are its main's, except storm's own options;
// after a "--" every word is the main's, -c too. Nimbus's check of the
// library runs the main again with those words, unchanged.
TEST_F(NimbusCliTest, JarPassesTheLibrarysArgumentsOnUnchanged) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "dashed", "-c", "topology.workers=1",
                                 "--", "-c", "topology.workers=3"}));
  auto listed = cluster().List();
  ASSERT_EQ(listed.count("dashed"), 1u) << cluster().Storm({"list"}).out;
  EXPECT_EQ(listed["dashed"].workers, 1) << "the -c after '--' reached storm";

  // Storm's options before the verb, and after the library's arguments
  // (the word count asks for 2 workers itself).
  ExpectSuccess(cluster().Storm(
      {"-c", "topology.workers=1", "jar", WordCountLibrary(), "before", "--log-level", "warn"}));
  EXPECT_EQ(cluster().List()["before"].workers, 1);
}

// Nimbus checks a submission itself, whatever the client checked before
// (here an in-process Thrift client, as Storm's own tools would be): the
// name, the config, the topology's shape and, last, the library, which must
// load.
TEST_F(NimbusCliTest, NimbusRefusesBadSubmissionsFromAnyClient) {
  class Spout : public BaseRichSpout {
   public:
    void open(const Config&, TopologyContext&, SpoutOutputCollector&) override {}
    void nextTuple() override {}
    void declareOutputFields(OutputFieldsDeclarer& d) override { d.declare(Fields{"word"}); }
  };
  class Bolt : public BaseBasicBolt {
   public:
    void execute(const Tuple&, BasicOutputCollector&) override {}
    void declareOutputFields(OutputFieldsDeclarer&) override {}
  };
  auto topology_from = [](const std::string& input) {
    TopologyBuilder builder;
    builder.setSpout("spout", std::make_shared<Spout>());
    builder.setBolt("bolt", std::make_shared<Bolt>()).shuffleGrouping(input);
    return TopologyToThrift(builder.createTopology());
  };
  const gen::StormTopology valid = topology_from("spout");

  TempDir dir;
  const std::string garbage = dir.Write("garbage.so", RandomBytes(64 * 1024, 7));
  auto client = NimbusClient::Connect(cluster().ClientConfig());
  auto refusal = [&](const std::string& name, const std::string& conf,
                     const gen::StormTopology& topology) -> std::string {
    const std::string location = client->UploadFile(garbage);
    try {
      client->api().submitTopology(name, location, conf, topology);
    } catch (const gen::InvalidTopologyException& e) {
      return e.msg;
    }
    return "(accepted)";
  };
  const struct {
    std::string what, name, conf;
    gen::StormTopology topology;
    std::string reason;
  } cases[] = {
      {"a name with '/'", "a/b", "{}", valid, "'a/b'"},
      {"0 workers", "garbage", R"({"topology.workers": 0})", valid, "topology.workers"},
      {"a bad config value", "garbage", R"({"topology.message.timeout.secs": "abc"})", valid,
       "topology.message.timeout.secs"},
      {"an input from an unknown component", "garbage", "{}", topology_from("nowhere"),
       "unknown component 'nowhere'"},
      {"a library of random bytes", "garbage", "{}", valid, "cannot be loaded"},
  };
  for (const auto& c : cases) {
    const std::string message = refusal(c.name, c.conf, c.topology);
    EXPECT_NE(message.find(c.reason), std::string::npos)
        << c.what << ": expected an InvalidTopologyException saying \"" << c.reason
        << "\", got: " << message;
  }
  EXPECT_TRUE(cluster().List().empty()) << cluster().Storm({"list"}).out;
  // Each refused upload was discarded, not left in the inbox until it expired.
  const std::vector<std::string> left = cluster().InboxFiles();
  EXPECT_TRUE(left.empty()) << "the inbox holds " << left.size() << " files after the refusals";
  EXPECT_TRUE(cluster().nimbus().Alive()) << cluster().nimbus().exit_description();

  // A name alive is refused at submit too, also when the client did not
  // ask about it first (the CLI does), or took it meanwhile.
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "taken"}));
  // The library outlives what its code built (its factories).
  std::shared_ptr<TopologyLibrary> library = TopologyLibrary::Load(WordCountLibrary());
  std::vector<Submission> built = library->Run({"taken"});
  ASSERT_EQ(built.size(), 1u);
  Config conf = built[0].conf;
  conf.put(Config::kTopologyCppMainArgs, std::vector<std::string>{"taken"});
  const std::string location = client->UploadFile(WordCountLibrary());
  try {
    client->api().submitTopology("taken", location, conf.toJson(),
                                 TopologyToThrift(built[0].topology));
    ADD_FAILURE() << "Nimbus accepted a second topology named 'taken'";
  } catch (const gen::AlreadyAliveException& e) {
    EXPECT_NE(e.msg.find("'taken'"), std::string::npos) << e.msg;
  }
  EXPECT_EQ(cluster().List().size(), 1u) << cluster().Storm({"list"}).out;
}

// Supervisors download a topology's code from Nimbus in chunks, by the code
// dir of the assignment; nothing outside the code store can be downloaded.
TEST_F(NimbusCliTest, DownloadsServeTheCodeStoreAndNothingElse) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "code"}));
  const std::string id = cluster().List()["code"].id;
  std::optional<Assignment> assignment = cluster().state().GetAssignment(id);
  ASSERT_TRUE(assignment);
  TempDir dir;
  auto client = NimbusClient::Connect(cluster().ClientConfig());
  client->DownloadFile(assignment->master_code_dir + "/stormjar.so", (dir / "lib.so").string());
  EXPECT_TRUE(ReadBytes(dir / "lib.so") == ReadBytes(WordCountLibrary()))
      << "the downloaded library differs from the submitted one";
  client->DownloadFile(id + "/stormjar.so", (dir / "by-id.so").string());
  EXPECT_EQ(fs::file_size(dir / "by-id.so"), fs::file_size(WordCountLibrary()));

  for (const std::string& file :
       {std::string("/etc/passwd"), std::string("../../../../../../etc/passwd"),
        id + "/../../../../../../etc/passwd", id, cluster().config_file(),
        cluster().inbox().string()}) {
    try {
      client->DownloadFile(file, (dir / "stolen").string());
      ADD_FAILURE() << "Nimbus served " << file;
    } catch (const StormError& e) {
      EXPECT_NE(std::string(e.what()).find("no such file to download"), std::string::npos)
          << file << ": " << e.what();
    }
  }
  EXPECT_FALSE(fs::exists(dir / "stolen"));
}

// The executors of a supervisor that is gone move to the slots left.
TEST_F(NimbusCliTest, ExecutorsOfALostSupervisorAreReassigned) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "orphan", "-c", "topology.workers=2"}));
  const std::string id = cluster().List()["orphan"].id;
  const std::optional<Assignment> before = cluster().state().GetAssignment(id);
  ASSERT_TRUE(before);
  ASSERT_EQ(NodesOf(*before), (std::set<std::string>{"supervisor-a", "supervisor-b"}))
      << Describe(*before);

  cluster().state().RemoveSupervisor("supervisor-b");
  std::optional<Assignment> after;
  const bool moved = Eventually([&] {
    after = cluster().state().GetAssignment(id);
    return after && NodesOf(*after) == std::set<std::string>{"supervisor-a"};
  });
  cluster().AddSupervisors();  // for the tests after this one
  ASSERT_TRUE(moved) << "executors still on the lost supervisor: "
                     << (after ? Describe(*after) : "no assignment");
  EXPECT_EQ(SlotsOf(*after).size(), 2u) << Describe(*after);
  EXPECT_EQ(after->executor_slot.size(), before->executor_slot.size()) << Describe(*after);
  // What ran on the supervisor still there stays where it was.
  for (const auto& [e, slot] : before->executor_slot) {
    if (slot.node != "supervisor-a") continue;
    EXPECT_TRUE(after->executor_slot.at(e) == slot)
        << "executor [" << e.first << " " << e.second << "] moved although its supervisor is alive";
    EXPECT_EQ(after->executor_start_time_secs.at(e), before->executor_start_time_secs.at(e));
  }
}

std::string FrameHeader(uint32_t length) {
  const uint32_t big_endian = htonl(length);
  return std::string(reinterpret_cast<const char*>(&big_endian), 4);
}

// Bytes that are no Thrift request leave Nimbus serving the next client.
TEST_F(NimbusCliTest, BadBytesOnTheWireLeaveNimbusServing) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "steady"}));
  const pid_t pid = cluster().nimbus().pid();
  auto expect_serving = [&](const std::string& after) {
    CommandResult r = cluster().Storm({"list"});
    EXPECT_EQ(r.status, 0) << "after " << after << ": " << r.Describe();
    EXPECT_EQ(ParseList(r.out).count("steady"), 1u) << "after " << after << ": " << r.Describe();
    EXPECT_TRUE(cluster().nimbus().Alive() && cluster().nimbus().pid() == pid)
        << "Nimbus died after " << after << " (" << cluster().nimbus().exit_description() << ")";
  };
  const int max_frame =
      static_cast<int>(cluster().ClientConfig().getInt("nimbus.thrift.max_buffer_size"));

  {
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(RandomBytes(4096, 1));
    EXPECT_TRUE(c.ClosedByPeer(10s)) << "Nimbus kept a connection of random bytes open";
  }
  expect_serving("random bytes");

  {
    // A well-formed frame whose content is no Thrift message.
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(256) + RandomBytes(256, 2));
    EXPECT_TRUE(c.ClosedByPeer(10s)) << "Nimbus kept a connection whose frame is no request open";
  }
  expect_serving("a frame of random bytes");

  {
    // A frame cut short, closed.
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(100) + RandomBytes(10, 3));
  }
  expect_serving("a truncated frame");

  {
    // A frame cut short, left open: other clients are served meanwhile.
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(100) + RandomBytes(10, 4));
    expect_serving("a truncated frame on a connection left open");
  }

  {
    // A frame larger than nimbus.thrift.max_buffer_size: refused at its
    // header, the connection closed, nothing allocated for it.
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(static_cast<uint32_t>(max_frame) + 1) + RandomBytes(1024, 5));
    EXPECT_TRUE(c.ClosedByPeer(10s)) << "Nimbus kept a connection whose frame is too large open";
  }
  expect_serving("an oversized frame");

  {
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(0x7fffffff) + RandomBytes(16, 6));
    EXPECT_TRUE(c.ClosedByPeer(10s)) << "Nimbus kept a connection announcing 2 GiB open";
  }
  expect_serving("a frame of 2 GiB announced");
}

// The scheduler never puts two topologies on one slot.
TEST_F(NimbusCliTest, TwoTopologiesNeverShareASlot) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "left", "-c", "topology.workers=2"}));
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "right", "-c", "topology.workers=2"}));
  auto listed = cluster().List();
  ASSERT_EQ(listed.count("left"), 1u);
  ASSERT_EQ(listed.count("right"), 1u);
  auto left = cluster().state().GetAssignment(listed["left"].id);
  auto right = cluster().state().GetAssignment(listed["right"].id);
  ASSERT_TRUE(left && right) << "both topologies should be assigned";
  const std::set<WorkerSlot> left_slots = SlotsOf(*left);
  const std::set<WorkerSlot> right_slots = SlotsOf(*right);
  EXPECT_EQ(left_slots.size(), 2u) << "left: " << Describe(*left);
  EXPECT_EQ(right_slots.size(), 2u) << "right: " << Describe(*right);
  std::vector<WorkerSlot> shared;
  std::set_intersection(left_slots.begin(), left_slots.end(), right_slots.begin(),
                        right_slots.end(), std::back_inserter(shared));
  EXPECT_TRUE(shared.empty()) << "left: " << Describe(*left) << "; right: " << Describe(*right);
  // Workers of one topology go to different hosts while there are slots.
  EXPECT_EQ(NodesOf(*left).size(), 2u) << "left: " << Describe(*left);
  EXPECT_EQ(NodesOf(*right).size(), 2u) << "right: " << Describe(*right);
  EXPECT_TRUE(EvenlySpread(*left)) << Describe(*left);
  EXPECT_TRUE(EvenlySpread(*right)) << Describe(*right);
}

// Clients at the same time: one name is taken once, and topologies
// submitted together still get slots of their own (2 + 1 + 1 workers: every
// slot of the two supervisors).
TEST_F(NimbusCliTest, ConcurrentSubmitsTakeANameOnceAndNeverShareSlots) {
  std::vector<CommandResult> same(3);
  std::vector<CommandResult> different(2);
  std::vector<std::thread> clients;
  for (auto& r : same) {
    clients.emplace_back([&] {
      r = cluster().Storm({"jar", WordCountLibrary(), "race", "-c", "topology.workers=2"});
    });
  }
  for (size_t i = 0; i < different.size(); ++i) {
    clients.emplace_back([&, i] {
      different[i] = cluster().Storm(
          {"jar", WordCountLibrary(), "parallel" + std::to_string(i), "-c", "topology.workers=1"});
    });
  }
  for (auto& t : clients) t.join();

  int accepted = 0;
  for (const auto& r : same) {
    if (r.status == 0) {
      ++accepted;
    } else {
      ExpectFailure(r, {"storm jar: already alive", "'race'"});
    }
  }
  EXPECT_EQ(accepted, 1) << "three clients submitted 'race' at once";
  for (const auto& r : different) ExpectSuccess(r);

  auto listed = cluster().List();
  std::map<WorkerSlot, std::string> holder;
  for (const auto& [name, t] : listed) {
    auto a = cluster().state().GetAssignment(t.id);
    ASSERT_TRUE(a) << name << " is not assigned";
    for (const WorkerSlot& slot : SlotsOf(*a)) {
      auto [it, inserted] = holder.emplace(slot, name);
      EXPECT_TRUE(inserted) << name << " and " << it->second << " share " << slot.node << ":"
                            << slot.port;
    }
  }
}


// ---- Looking inside a running topology (issue #20) ----------------------------------------

// Submits word count on one worker; returns its id.
std::string SubmitWordCount(TestCluster& cluster, const std::string& name) {
  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), name, "-c", "topology.workers=1"}));
  return cluster.List()[name].id;
}

TEST_F(NimbusCliTest, ListPrintsStormsColumns) {
  const std::string id = SubmitWordCount(cluster(), "wc");
  const CommandResult r = cluster().Storm({"list"});
  ExpectSuccess(r);
  std::istringstream lines(r.out);
  std::string header, dashes, row;
  std::getline(lines, header);
  std::getline(lines, dashes);
  std::getline(lines, row);
  EXPECT_EQ(header,
            "Topology_name        Status     Num_tasks  Num_workers  Uptime_secs Topology_Id"
            "          Owner     ") << r.out;
  EXPECT_EQ(dashes.find_first_not_of('-'), std::string::npos) << r.out;
  std::istringstream fields(row);
  std::string name, status, tasks, workers, uptime, listed_id, owner;
  fields >> name >> status >> tasks >> workers >> uptime >> listed_id >> owner;
  EXPECT_EQ(name, "wc");
  EXPECT_EQ(status, "ACTIVE");
  EXPECT_EQ(tasks, std::to_string(kWordCountUserExecutors + 1));
  EXPECT_EQ(workers, "1");
  EXPECT_EQ(listed_id, id);
  EXPECT_FALSE(owner.empty()) << r.out;
}

TEST_F(NimbusCliTest, GetErrorsPrintsTheLastErrorOfEachComponentAsJson) {
  const std::string id = SubmitWordCount(cluster(), "wc");
  cluster().state().ReportError(id, "split", ErrorRecordInfo{"first", 1, "host-a", 6700});
  cluster().state().ReportError(id, "split", ErrorRecordInfo{"second", 2, "host-a", 6700});
  cluster().state().ReportError(id, "count", ErrorRecordInfo{"only", 3, "host-b", 6700});
  const CommandResult r = cluster().Storm({"get-errors", "wc"});
  ExpectSuccess(r);
  const nlohmann::json out = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << r.out;
  EXPECT_EQ(out, nlohmann::json::parse(
                     R"({"Topology Name": "wc", "Comp-Errors": {"split": "second", "count": "only"}})"))
      << r.out;
  // As Storm's: a JSON failure for a name nothing runs under.
  const CommandResult none = cluster().Storm({"get-errors", "nope"});
  ExpectSuccess(none);
  EXPECT_EQ(nlohmann::json::parse(none.out, nullptr, false),
            nlohmann::json::parse(R"({"Failure": "No topologies running with name nope"})"))
      << none.out;
}

TEST_F(NimbusCliTest, SetLogLevelSetsAndRemovesLevelsNimbusKeeps) {
  const std::string id = SubmitWordCount(cluster(), "wc");
  ExpectSuccess(cluster().Storm({"set_log_level", "wc", "-l", "ROOT=DEBUG:30", "-l",
                                 "com.example=warn"}));
  auto client = NimbusClient::Connect(cluster().ClientConfig());
  gen::LogConfig config;
  client->api().getLogConfig(config, id);
  ASSERT_EQ(config.named_logger_level.size(), 2u);
  const gen::LogLevel& root = config.named_logger_level.at("ROOT");
  EXPECT_EQ(root.target_log_level, "DEBUG");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_NEAR(static_cast<double>(root.reset_log_level_timeout_epoch), now + 30, 10);
  EXPECT_EQ(config.named_logger_level.at("com.example").target_log_level, "WARN");
  EXPECT_EQ(config.named_logger_level.at("com.example").reset_log_level_timeout_epoch, 0);

  ExpectSuccess(cluster().Storm({"set_log_level", "wc", "-r", "com.example"}));
  client->api().getLogConfig(config, id);
  EXPECT_EQ(config.named_logger_level.size(), 1u);
  EXPECT_EQ(config.named_logger_level.count("ROOT"), 1u);

  const CommandResult bad = cluster().Storm({"set_log_level", "wc", "-l", "ROOT=LOUD"});
  EXPECT_EQ(bad.status, 2) << bad.Describe();
  EXPECT_NE(bad.err.find("LOUD"), std::string::npos) << bad.Describe();
  EXPECT_EQ(cluster().Storm({"set_log_level", "wc"}).status, 2);
  ExpectFailure(cluster().Storm({"set_log_level", "nope", "-l", "ROOT=INFO"}),
                {"no such topology"});
}

TEST_F(NimbusCliTest, MonitorPrintsTheThroughputOfAComponentEveryInterval) {
  const std::string id = SubmitWordCount(cluster(), "wc");
  const std::optional<Assignment> a = cluster().state().GetAssignment(id);
  ASSERT_TRUE(a);
  // Without -m: the components to choose from, exit 2.
  const CommandResult ask = cluster().Storm({"monitor", "wc"});
  EXPECT_EQ(ask.status, 2) << ask.Describe();
  EXPECT_NE(ask.out.find("Available components for wc"), std::string::npos) << ask.Describe();
  EXPECT_NE(ask.out.find("sentences"), std::string::npos) << ask.Describe();

  // The test plays the worker: the spout's emitted count grows by 100 a beat.
  TempDir dir;
  DaemonProcess monitor({StormBinary(), "monitor", "wc", "-m", "sentences", "-i", "1"},
                        dir.path() / "monitor.out", cluster().Env());
  monitor.Start();
  int64_t emitted = 0;
  const auto lines = [&] {
    const std::string out = ReadBytes(dir.path() / "monitor.out");
    return std::count(out.begin(), out.end(), '\n');
  };
  const bool printed = Eventually([&] {
    emitted += 100;
    for (const auto& [slot, executors] : [&] {
           std::map<WorkerSlot, std::vector<ExecutorId>> by_slot;
           for (const auto& [e, s] : a->executor_slot) by_slot[s].push_back(e);
           return by_slot;
         }()) {
      WorkerHeartbeat hb;
      hb.topology_id = id;
      hb.time_secs = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
      hb.uptime_secs = 1;
      for (const ExecutorId& e : executors) {
        ExecutorBeatStats s;
        s.is_spout = true;
        s.windows[kWindowAllTime].emitted["default"] = emitted;
        hb.executor_stats[e] = s;
      }
      cluster().state().SetWorkerHeartbeat(id, slot, hb);
    }
    return lines() >= 4;  // the header and three intervals
  }, 30s);
  monitor.Stop();
  const std::string out = ReadBytes(dir.path() / "monitor.out");
  ASSERT_TRUE(printed) << out;
  std::istringstream text(out);
  std::string header;
  std::getline(text, header);
  EXPECT_EQ(header,
            "topology\tcomponent\tparallelism\tstream\ttime-diff ms\temitted\tthroughput (Item/s)");
  int moving = 0;
  for (std::string line; std::getline(text, line);) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
    ASSERT_EQ(fields.size(), 7u) << line;
    EXPECT_EQ(fields[0], "wc");
    EXPECT_EQ(fields[1], "sentences");
    EXPECT_EQ(fields[2], "2");
    EXPECT_EQ(fields[3], "default");
    if (std::stod(fields[6]) > 0) ++moving;
  }
  EXPECT_GT(moving, 0) << out;
}

}  // namespace
}  // namespace storm::e2e
