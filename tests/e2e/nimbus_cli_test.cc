// Nimbus and the `storm` CLI end to end (issue #3): a real ZooKeeper,
// storm-nimbus as its own process, and build/bin/storm run as a user runs
// it, with its exit status and output checked.
//
// There are no supervisors yet (issue #4): to get assignments the tests
// register fake ones, SupervisorInfo records written through a ZooKeeper
// session of their own (ephemeral nodes, alive as long as that session).
//
// Most tests share one ZooKeeper and one Nimbus (the suite fixture), each
// removing its topologies when it ends; the tests that SIGKILL Nimbus, stop
// ZooKeeper or need another Nimbus config start their own.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/cluster_state.h"
#include "common/config_loader.h"
#include "common/zookeeper_storage.h"
#include "nimbus/nimbus_client.h"
#include "nimbus/topology_thrift.h"
#include "storm/storm.h"
#include "support/processes.h"
#include "support/temp_dir.h"
#include "support/test_support.h"
#include "support/zookeeper_server.h"

namespace storm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::AnyZooKeeper;
using testing::CommandResult;
using testing::DaemonProcess;
using testing::TempDir;
using testing::WaitUntil;
using testing::ZooKeeperServer;

// ---- Paths ----------------------------------------------------------------------------

std::string BuildDir() {
  const char* dir = std::getenv("STORM_BUILD_DIR");
  return dir ? dir : "build";
}
std::string StormBinary() { return BuildDir() + "/bin/storm"; }
std::string NimbusBinary() { return BuildDir() + "/bin/storm-nimbus"; }
std::string WordCountLibrary() { return BuildDir() + "/examples/libword_count.so"; }
std::string TestLibrary(const std::string& name) {
  return BuildDir() + "/tests/libs/lib" + name + ".so";
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

// ---- `storm list` ---------------------------------------------------------------------

struct ListedTopology {
  std::string status;
  int tasks = -1;
  int executors = -1;
  int workers = -1;
  std::string id;
};

// The rows of `storm list`'s table by topology name.
std::map<std::string, ListedTopology> ParseList(const std::string& out) {
  std::map<std::string, ListedTopology> rows;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.rfind("Topology_name", 0) == 0 || line[0] == '-' ||
        line == "No topologies running.") {
      continue;
    }
    std::istringstream fields(line);
    std::string name;
    ListedTopology t;
    int64_t uptime = 0;
    if (fields >> name >> t.status >> t.tasks >> t.executors >> t.workers >> uptime >> t.id) {
      rows[name] = t;
    }
  }
  return rows;
}

// ---- Assignments ----------------------------------------------------------------------

std::set<WorkerSlot> SlotsOf(const Assignment& a) {
  std::set<WorkerSlot> slots;
  for (const auto& [e, slot] : a.executor_slot) slots.insert(slot);
  return slots;
}

std::string Describe(const Assignment& a) {
  std::map<WorkerSlot, int> per_slot;
  for (const auto& [e, slot] : a.executor_slot) ++per_slot[slot];
  std::string text = std::to_string(a.executor_slot.size()) + " executors on";
  for (const auto& [slot, n] : per_slot) {
    text += " " + slot.node + ":" + std::to_string(slot.port) + "(" + std::to_string(n) + ")";
  }
  return text;
}

// Whether executors are spread evenly: slot loads differ by at most one.
bool EvenlySpread(const Assignment& a) {
  std::map<WorkerSlot, int> per_slot;
  for (const auto& [e, slot] : a.executor_slot) ++per_slot[slot];
  if (per_slot.empty()) return false;
  auto [min, max] = std::minmax_element(per_slot.begin(), per_slot.end(),
                                        [](const auto& x, const auto& y) { return x.second < y.second; });
  return max->second - min->second <= 1;
}

std::set<std::string> NodesOf(const Assignment& a) {
  std::set<std::string> nodes;
  for (const auto& [e, slot] : a.executor_slot) nodes.insert(slot.node);
  return nodes;
}

// ---- A Nimbus, its config, and a ZooKeeper session of the test --------------------------

// Word count's executors: 2 sentence spouts, 4 split, 4 count, 1 report.
constexpr int kWordCountUserExecutors = 11;

class TestCluster {
 public:
  // Writes storm.yaml for a Nimbus on a free port, over the ZooKeeper at
  // `zookeeper` ("host:port") under a root of its own, and starts Nimbus
  // with `nimbus_args` added to its command line.
  explicit TestCluster(const std::string& zookeeper, std::vector<std::string> nimbus_args = {})
      : zookeeper_(zookeeper),
        root_(testing::UniqueTestRoot()),
        port_(testing::zookeeper_detail::FreePort()) {
    const size_t colon = zookeeper.rfind(':');
    dir_.Write("conf/storm.yaml",
               "storm.zookeeper.servers: [\"" + zookeeper.substr(0, colon) + "\"]\n" +
                   "storm.zookeeper.port: " + zookeeper.substr(colon + 1) + "\n" +
                   "storm.zookeeper.root: \"" + root_ + "\"\n" +
                   "storm.local.dir: \"" + local_dir().string() + "\"\n" +
                   "nimbus.seeds: [\"127.0.0.1\"]\n" +
                   "nimbus.thrift.port: " + std::to_string(port_) + "\n" +
                   "nimbus.monitor.freq.secs: 1\n");
    std::vector<std::string> argv = {NimbusBinary(), "--config", config_file()};
    argv.insert(argv.end(), nimbus_args.begin(), nimbus_args.end());
    nimbus_ = std::make_unique<DaemonProcess>(argv, dir_ / "nimbus.log", Env());
    StartNimbus();
  }

  // Starts Nimbus (again: same config, same dir) and waits for its port.
  void StartNimbus() {
    nimbus_->Start();
    testing::WaitForPort(*nimbus_, port_, 30s);
  }

  DaemonProcess& nimbus() { return *nimbus_; }
  int port() const { return port_; }
  std::string config_file() const { return (dir_ / "conf" / "storm.yaml").string(); }
  fs::path local_dir() const { return dir_ / "storm-local"; }
  fs::path code_dir(const std::string& id) const { return local_dir() / "nimbus" / "stormdist" / id; }
  fs::path inbox() const { return local_dir() / "nimbus" / "inbox"; }

  // Runs `storm <args>` as a user would: STORM_CONF_DIR names the cluster's
  // storm.yaml. Bounded, so that a hang fails the test instead of stopping it.
  CommandResult Storm(const std::vector<std::string>& args, std::chrono::seconds timeout = 60s) {
    std::vector<std::string> argv = {StormBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunProgram(argv, Env(), timeout);
  }

  // `storm list`'s rows; a failed list is a test failure.
  std::map<std::string, ListedTopology> List() {
    CommandResult r = Storm({"list"});
    EXPECT_EQ(r.status, 0) << r.Describe();
    return ParseList(r.out);
  }

  // The config the CLI reads, for in-process Thrift clients.
  Config ClientConfig() const {
    ConfigSources sources;
    sources.config_file = config_file();
    sources.read_user_files = false;
    return LoadConfig(sources);
  }

  // The test's own view of the cluster state (its own ZooKeeper session).
  ClusterState& state() {
    if (!state_) {
      state_ = std::make_unique<ClusterState>(std::shared_ptr<StateStorage>(
          ZooKeeperStorage::Connect(testing::TestZooKeeperOptions(zookeeper_, root_))));
    }
    return *state_;
  }

  // Two fake supervisors of two slots each, as supervisors on two hosts
  // would register themselves.
  void AddSupervisors() {
    for (const char* name : {"a", "b"}) {
      SupervisorInfo info;
      info.id = std::string("supervisor-") + name;
      info.hostname = std::string("host-") + name;
      info.time_secs = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      info.slots = {6700, 6701};
      info.version = STORM_VERSION;
      state().SetSupervisor(info);
    }
  }

  // Kills every topology with no wait and waits until they are gone.
  void KillAll() {
    auto client = NimbusClient::Connect(ClientConfig());
    gen::ClusterSummary summary;
    client->api().getClusterInfo(summary);
    for (const auto& t : summary.topologies) {
      gen::KillOptions options;
      options.__set_wait_secs(0);
      try {
        client->api().killTopologyWithOpts(t.name, options);
      } catch (const gen::NotAliveException&) {
        // Removed meanwhile.
      }
    }
    const bool gone = WaitUntil([&] {
      gen::ClusterSummary now;
      client->api().getClusterInfo(now);
      return now.topologies.empty();
    });
    EXPECT_TRUE(gone) << "topologies left after killing them all:\n" << Storm({"list"}).out;
  }

 private:
  // HOME in the temp dir: a user's ~/.storm/storm.yaml must not leak in.
  std::map<std::string, std::string> Env() const {
    return {{"STORM_CONF_DIR", (dir_ / "conf").string()}, {"HOME", dir_.path().string()}};
  }

  TempDir dir_;
  std::string zookeeper_;
  std::string root_;
  int port_;
  std::unique_ptr<DaemonProcess> nimbus_;
  std::unique_ptr<ClusterState> state_;
};

// A command that must fail as a shell user relies on: non-zero exit and
// exactly one line on stderr that contains every fragment.
void ExpectFailure(const CommandResult& r, const std::vector<std::string>& fragments) {
  EXPECT_FALSE(r.timed_out) << r.Describe();
  EXPECT_NE(r.status, 0) << r.Describe();
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1)
      << "expected one line on stderr; " << r.Describe();
  for (const std::string& fragment : fragments) {
    EXPECT_NE(r.err.find(fragment), std::string::npos)
        << "stderr does not say \"" << fragment << "\"; " << r.Describe();
  }
}

void ExpectSuccess(const CommandResult& r) {
  EXPECT_FALSE(r.timed_out) << r.Describe();
  EXPECT_EQ(r.status, 0) << r.Describe();
}

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

// 1. The lifecycle a user drives through the CLI.
TEST_F(NimbusCliTest, SubmitListDeactivateActivateRebalanceKillAndResubmit) {
  CommandResult jar = cluster().Storm({"jar", WordCountLibrary(), "wc", "-c", "topology.workers=3"});
  ExpectSuccess(jar);
  EXPECT_NE(jar.out.find("submitted topology wc as wc-"), std::string::npos) << jar.Describe();

  auto listed = cluster().List();
  ASSERT_EQ(listed.count("wc"), 1u) << "storm list does not show wc:\n" << cluster().Storm({"list"}).out;
  const ListedTopology wc = listed["wc"];
  EXPECT_EQ(wc.status, "ACTIVE");
  EXPECT_EQ(wc.workers, 3);
  // Ackers default to one per worker; each executor runs one task here.
  EXPECT_EQ(wc.executors, kWordCountUserExecutors + 3);
  EXPECT_EQ(wc.tasks, kWordCountUserExecutors + 3);
  EXPECT_EQ(wc.id.rfind("wc-", 0), 0u) << wc.id;

  // The assignment in ZooKeeper: every executor on one of 3 slots, evenly,
  // over both supervisors, with their host names.
  std::optional<Assignment> assignment = cluster().state().GetAssignment(wc.id);
  ASSERT_TRUE(assignment) << "no assignment of " << wc.id << " in ZooKeeper";
  EXPECT_EQ(SlotsOf(*assignment).size(), 3u) << Describe(*assignment);
  EXPECT_EQ(static_cast<int>(assignment->executor_slot.size()), wc.executors)
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
  EXPECT_TRUE(WaitUntil([&] {
    rebalanced = cluster().List()["wc"];
    return rebalanced.workers == 2 && rebalanced.status == "ACTIVE";
  })) << "after rebalance -n 2, storm list shows wc " << rebalanced.status << " on "
      << rebalanced.workers << " workers";
  EXPECT_EQ(rebalanced.id, wc.id);
  assignment = cluster().state().GetAssignment(wc.id);
  ASSERT_TRUE(assignment);
  EXPECT_EQ(SlotsOf(*assignment).size(), 2u) << Describe(*assignment);
  EXPECT_TRUE(EvenlySpread(*assignment)) << Describe(*assignment);

  // Killed: shown as KILLED during its wait, then gone with its code.
  ExpectSuccess(cluster().Storm({"kill", "wc", "-w", "2"}));
  EXPECT_EQ(cluster().List()["wc"].status, "KILLED");
  EXPECT_TRUE(WaitUntil([&] { return cluster().List().count("wc") == 0; }))
      << "wc still listed after its kill wait:\n" << cluster().Storm({"list"}).out;
  EXPECT_FALSE(fs::exists(cluster().code_dir(wc.id))) << cluster().code_dir(wc.id);
  EXPECT_FALSE(cluster().state().GetAssignment(wc.id)) << "the assignment is still in ZooKeeper";
  EXPECT_FALSE(cluster().state().GetStormBase(wc.id)) << "the topology is still in ZooKeeper";

  // The name is free again.
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "wc"}));
  listed = cluster().List();
  EXPECT_EQ(listed["wc"].status, "ACTIVE");
  EXPECT_NE(listed["wc"].id, wc.id);
}

// 2. Every way a command can be refused: non-zero, one line naming why, and
// nothing left on the cluster.
TEST_F(NimbusCliTest, EveryRefusalExitsNonZeroWithOneLineNamingTheReason) {
  ExpectSuccess(cluster().Storm({"jar", WordCountLibrary(), "alive"}));
  ExpectFailure(cluster().Storm({"jar", WordCountLibrary(), "alive"}),
                {"storm jar: already alive", "alive"});

  for (const std::string name : {"a/b", "a.b", "a:b"}) {
    ExpectFailure(cluster().Storm({"jar", WordCountLibrary(), name}),
                  {"storm jar: invalid topology", "'" + name + "'"});
  }

  ExpectFailure(cluster().Storm({"jar", TestLibrary("test_no_entry"), "x"}),
                {"storm jar:", "has no entry point storm_topology_entry"});
  ExpectFailure(cluster().Storm({"jar", TestLibrary("test_wrong_abi"), "x"}),
                {"storm jar:", "built for topology ABI version 99"});
  ExpectFailure(cluster().Storm({"jar", TestLibrary("test_throwing_main"), "x"}),
                {"storm jar:", "boom: the main gave up"});
  ExpectFailure(cluster().Storm({"jar", TestLibrary("test_invalid_topology")}),
                {"storm jar: invalid topology", "unknown component 'nowhere'"});
  ExpectFailure(cluster().Storm({"jar", WordCountLibrary(), "noworkers", "-c", "topology.workers=0"}),
                {"storm jar:", "topology.workers"});
  ExpectFailure(cluster().Storm({"jar", WordCountLibrary(), "badconf", "-c",
                                 "topology.message.timeout.secs=abc"}),
                {"storm jar:", "topology.message.timeout.secs"});

  for (const std::string command : {"kill", "activate", "deactivate", "rebalance"}) {
    ExpectFailure(cluster().Storm({command, "nosuch"}),
                  {"storm " + command + ": no such topology", "nosuch"});
  }
  ExpectFailure(cluster().Storm({"rebalance", "alive", "-w", "0", "-e", "nosuch=2"}),
                {"storm rebalance:", "no component 'nosuch'"});

  // Nimbus is not there: a closed port.
  const int closed = testing::zookeeper_detail::FreePort();
  const std::string unreachable = "Nimbus unreachable at 127.0.0.1:" + std::to_string(closed);
  const std::string port_option = "nimbus.thrift.port=" + std::to_string(closed);
  ExpectFailure(cluster().Storm({"list", "-c", port_option}), {"storm list:", unreachable});
  ExpectFailure(cluster().Storm({"kill", "alive", "-c", port_option}), {"storm kill:", unreachable});
  ExpectFailure(cluster().Storm({"jar", WordCountLibrary(), "x", "-c", port_option}),
                {"storm jar:", unreachable});

  // None of the refused submissions left a topology behind.
  auto listed = cluster().List();
  EXPECT_EQ(listed.size(), 1u) << cluster().Storm({"list"}).out;
  EXPECT_EQ(listed["alive"].status, "ACTIVE");
}

// 2. A library that does not load is refused by Nimbus itself, whatever the
// client claims about it (here a Thrift client that submits random bytes).
TEST_F(NimbusCliTest, NimbusRefusesALibraryThatCannotBeLoaded) {
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
  TopologyBuilder builder;
  builder.setSpout("spout", std::make_shared<Spout>());
  builder.setBolt("bolt", std::make_shared<Bolt>()).shuffleGrouping("spout");
  const gen::StormTopology topology = TopologyToThrift(builder.createTopology());

  TempDir dir;
  const std::string garbage = dir.Write("garbage.so", RandomBytes(64 * 1024, 7));
  auto client = NimbusClient::Connect(cluster().ClientConfig());
  const std::string location = client->UploadFile(garbage);
  try {
    client->api().submitTopology("garbage", location, "{}", topology);
    ADD_FAILURE() << "Nimbus accepted a library of random bytes";
  } catch (const gen::InvalidTopologyException& e) {
    EXPECT_NE(e.msg.find("cannot be loaded"), std::string::npos) << e.msg;
  }
  EXPECT_EQ(cluster().List().count("garbage"), 0u);
}

// 5. Bytes that are no Thrift request leave Nimbus serving the next client.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval timeout{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  // Sends what it can (the peer may close mid-way); no SIGPIPE.
  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }
  // Whether the peer closes the connection within `timeout` (what it sends
  // before is ignored).
  bool ClosedByPeer(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return true;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return true;
    }
    return false;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool connected_ = false;
};

std::string FrameHeader(uint32_t length) {
  const uint32_t big_endian = htonl(length);
  return std::string(reinterpret_cast<const char*>(&big_endian), 4);
}

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
  const int max_frame = static_cast<int>(cluster().ClientConfig().getInt("nimbus.thrift.max_buffer_size"));

  {
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(RandomBytes(4096, 1));
  }
  expect_serving("random bytes");

  {
    // A well-formed frame whose content is no Thrift message.
    RawConnection c(cluster().port());
    ASSERT_TRUE(c.connected());
    c.Send(FrameHeader(256) + RandomBytes(256, 2));
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
  }
  expect_serving("a frame of 2 GiB announced");
}

// 6. The scheduler never puts two topologies on one slot.
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

// ---- Tests with a Nimbus or ZooKeeper of their own -------------------------------------------

// Prints the end of the Nimbus log when the test failed.
class LogOnFailure {
 public:
  explicit LogOnFailure(TestCluster& cluster) : cluster_(cluster) {}
  ~LogOnFailure() {
    if (::testing::Test::HasFailure()) {
      std::cerr << "the end of Nimbus's log (" << cluster_.nimbus().log_path().string() << "):\n"
                << cluster_.nimbus().LogTail() << std::flush;
    }
  }

 private:
  TestCluster& cluster_;
};

// 3. Nimbus is stateless: SIGKILLed and restarted, it finds everything again
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
    EXPECT_EQ(after.at(name).executors, t.executors) << name;
  }
  // Give the restarted Nimbus's monitor (every second) a few rounds to
  // change something it should not.
  std::this_thread::sleep_for(3s);
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

// 4. ZooKeeper away for a few seconds: Nimbus rides it out and serves again.
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
  std::this_thread::sleep_for(4s);
  zookeeper.Start();
  client.join();
  EXPECT_FALSE(during.timed_out) << during.Describe();
  if (during.status != 0) {
    EXPECT_EQ(std::count(during.err.begin(), during.err.end(), '\n'), 1) << during.Describe();
  }

  CommandResult list;
  EXPECT_TRUE(WaitUntil([&] {
    list = cluster.Storm({"list"});
    return list.status == 0;
  }, 30s)) << "storm list does not answer after ZooKeeper came back: " << list.Describe();
  auto listed = ParseList(list.out);
  EXPECT_EQ(listed["before"].id, id);
  EXPECT_EQ(listed["before"].status, "ACTIVE");

  ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "after", "-c", "topology.workers=1"}));
  listed = cluster.List();
  ASSERT_EQ(listed.count("after"), 1u) << cluster.Storm({"list"}).out;
  EXPECT_EQ(listed["after"].status, "ACTIVE");
  EXPECT_TRUE(WaitUntil([&] { return cluster.state().GetAssignment(listed["after"].id).has_value(); }))
      << "the topology submitted after the outage is not assigned";
  EXPECT_TRUE(cluster.nimbus().Alive()) << cluster.nimbus().exit_description();
}

// 5. An upload past nimbus.max.upload.bytes is refused and leaves no file.
TEST(NimbusUploadLimitTest, UploadPastTheLimitIsRefusedAndLeavesNoFile) {
  TestCluster cluster(AnyZooKeeper(), {"-c", "nimbus.max.upload.bytes=100000"});
  LogOnFailure log(cluster);
  ASSERT_GT(fs::file_size(WordCountLibrary()), 100000u);
  ExpectFailure(cluster.Storm({"jar", WordCountLibrary(), "big"}),
                {"storm jar:", "nimbus.max.upload.bytes"});
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(cluster.inbox())) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_TRUE(left.empty()) << "the inbox holds " << left.size() << " files, e.g. " << left[0];
  EXPECT_EQ(cluster.List().count("big"), 0u);
  EXPECT_TRUE(cluster.nimbus().Alive()) << cluster.nimbus().exit_description();
}

}  // namespace
}  // namespace storm
