// A storm-nimbus process on a test's ZooKeeper, with the storm CLI pointed
// at it, for end-to-end tests of the cluster (issue #3 on, and the
// supervisor tests after it):
//
//   TestCluster cluster(AnyZooKeeper());       // Nimbus started, its port open
//   cluster.AddSupervisors();                  // two fake supervisors
//   ExpectSuccess(cluster.Storm({"jar", WordCountLibrary(), "wc"}));
//   auto listed = cluster.List();              // `storm list`'s rows by name
//   cluster.state().GetAssignment(listed["wc"].id);
//
// Each TestCluster has its own storm.yaml, storm.local.dir and ZooKeeper
// root in a temporary directory; Nimbus runs as a child process (its log in
// that directory) and is stopped when the TestCluster goes away. Helpers
// here report failures through GoogleTest. Not thread safe, except that
// Storm() may be called from any thread, and so may state() once it was
// first called (it connects on first use).
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/state/cluster_state.h"
#include "common/config/config_loader.h"
#include "common/state/zookeeper_storage.h"
#include "common/client/nimbus_client.h"
#include "support/build_paths.h"
#include "support/processes.h"
#include "support/raw_connection.h"
#include "support/temp_dir.h"
#include "support/zookeeper_server.h"

namespace storm::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::BuildDir;
using testing::CommandResult;
using testing::DaemonProcess;
using testing::RawConnection;
using testing::TempDir;

// ---- Paths ----------------------------------------------------------------------------

inline std::string StormBinary() {
  return BuildDir() + "/bin/storm";
}
inline std::string NimbusBinary() {
  return BuildDir() + "/bin/storm-nimbus";
}
inline std::string WordCountLibrary() {
  return BuildDir() + "/examples/libword_count.so";
}
inline std::string TestLibrary(const std::string& name) {
  return BuildDir() + "/tests/libs/lib" + name + ".so";
}

inline std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

// Polls `condition` every 100 ms (each poll may run a command) until it
// holds or `timeout` passes.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

// ---- `storm list` ---------------------------------------------------------------------

struct ListedTopology {
  std::string status;
  int tasks = -1;
  int workers = -1;
  std::string id;
  std::string owner;  // empty when Nimbus has none
};

// The rows of `storm list`'s table by topology name.
inline std::map<std::string, ListedTopology> ParseList(const std::string& out) {
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
    // Storm's columns: Topology_name Status Num_tasks Num_workers
    // Uptime_secs Topology_Id Owner.
    if (fields >> name >> t.status >> t.tasks >> t.workers >> uptime >> t.id) {
      fields >> t.owner;
      rows[name] = t;
    }
  }
  return rows;
}

// ---- Assignments ----------------------------------------------------------------------

inline std::set<WorkerSlot> SlotsOf(const Assignment& a) {
  std::set<WorkerSlot> slots;
  for (const auto& [e, slot] : a.executor_slot) slots.insert(slot);
  return slots;
}

inline std::string Describe(const Assignment& a) {
  std::map<WorkerSlot, int> per_slot;
  for (const auto& [e, slot] : a.executor_slot) ++per_slot[slot];
  std::string text = std::to_string(a.executor_slot.size()) + " executors on";
  for (const auto& [slot, n] : per_slot) {
    text += " " + slot.node + ":" + std::to_string(slot.port) + "(" + std::to_string(n) + ")";
  }
  return text;
}

// Whether executors are spread evenly: slot loads differ by at most one.
inline bool EvenlySpread(const Assignment& a) {
  std::map<WorkerSlot, int> per_slot;
  for (const auto& [e, slot] : a.executor_slot) ++per_slot[slot];
  if (per_slot.empty()) return false;
  auto [min, max] =
      std::minmax_element(per_slot.begin(), per_slot.end(),
                          [](const auto& x, const auto& y) { return x.second < y.second; });
  return max->second - min->second <= 1;
}

inline std::set<std::string> NodesOf(const Assignment& a) {
  std::set<std::string> nodes;
  for (const auto& [e, slot] : a.executor_slot) nodes.insert(slot.node);
  return nodes;
}

// ---- A Nimbus, its config, and a ZooKeeper session of the test --------------------------

// Word count's executors: 2 sentence spouts, 4 split, 4 count, 1 report.
inline constexpr int kWordCountUserExecutors = 11;

class TestCluster {
 public:
  // Writes storm.yaml for a Nimbus on a free port, over the ZooKeeper at
  // `zookeeper` ("host:port") under a root of its own, and starts Nimbus
  // with `nimbus_args` added to its command line.
  explicit TestCluster(const std::string& zookeeper, std::vector<std::string> nimbus_args = {})
      : zookeeper_(zookeeper),
        root_(testing::UniqueTestRoot()),
        port_(testing::FreePort()) {
    const size_t colon = zookeeper.rfind(':');
    dir_.Write("conf/storm.yaml",
               "storm.zookeeper.servers: [\"" + zookeeper.substr(0, colon) + "\"]\n" +
                   "storm.zookeeper.port: " + zookeeper.substr(colon + 1) + "\n" +
                   "storm.zookeeper.root: \"" + root_ + "\"\n" + "storm.local.dir: \"" +
                   local_dir().string() + "\"\n" + "nimbus.seeds: [\"127.0.0.1\"]\n" +
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
  // The cluster's root in ZooKeeper (storm.zookeeper.root).
  const std::string& root() const { return root_; }
  std::string config_file() const { return (dir_ / "conf" / "storm.yaml").string(); }
  fs::path local_dir() const { return dir_ / "storm-local"; }
  fs::path code_dir(const std::string& id) const {
    return local_dir() / "nimbus" / "stormdist" / id;
  }
  fs::path inbox() const { return local_dir() / "nimbus" / "inbox"; }
  // The names of the files in Nimbus's upload inbox.
  std::vector<std::string> InboxFiles() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(inbox())) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

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

  // Waits until Nimbus's monitor has run `rounds` whole rounds after this
  // call (false if not within 30 s each). A round ends by removing what
  // topologies no longer alive left: an error node of a made-up topology,
  // planted after the previous round's clean-up read the list, is gone at
  // the end of the next round.
  bool MonitorRoundsPass(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      const std::string ghost = "ghost-" + std::to_string(++ghosts_) + "-1";
      state().ReportError(ghost, "c", ErrorRecordInfo{"planted by the test", 1, "none", 0});
      const bool removed = Eventually(
          [&] {
            const std::vector<std::string> ids = state().ErrorTopologies();
            return std::find(ids.begin(), ids.end(), ghost) == ids.end();
          },
          30s);
      if (!removed) return false;
    }
    return true;
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
    const bool gone = Eventually([&] {
      gen::ClusterSummary now;
      client->api().getClusterInfo(now);
      return now.topologies.empty();
    });
    EXPECT_TRUE(gone) << "topologies left after killing them all:\n" << Storm({"list"}).out;
  }

  // The environment of the CLI and Nimbus: STORM_CONF_DIR names the
  // cluster's storm.yaml; HOME in the temp dir, so that a user's
  // ~/.storm/storm.yaml does not leak in.
  std::map<std::string, std::string> Env() const {
    return {{"STORM_CONF_DIR", (dir_ / "conf").string()}, {"HOME", dir_.path().string()}};
  }

 private:

  TempDir dir_;
  std::string zookeeper_;
  std::string root_;
  int port_;
  std::unique_ptr<DaemonProcess> nimbus_;
  std::unique_ptr<ClusterState> state_;
  int ghosts_ = 0;  // made-up topologies planted by MonitorRoundsPass
};

// A command that must fail as a shell user relies on: non-zero exit and
// exactly one line on stderr that contains every fragment.
inline void ExpectFailure(const CommandResult& r, const std::vector<std::string>& fragments) {
  EXPECT_FALSE(r.timed_out) << r.Describe();
  EXPECT_NE(r.status, 0) << r.Describe();
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1)
      << "expected one line on stderr; " << r.Describe();
  for (const std::string& fragment : fragments) {
    EXPECT_NE(r.err.find(fragment), std::string::npos)
        << "stderr does not say \"" << fragment << "\"; " << r.Describe();
  }
}

inline void ExpectSuccess(const CommandResult& r) {
  EXPECT_FALSE(r.timed_out) << r.Describe();
  EXPECT_EQ(r.status, 0) << r.Describe();
}

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

}  // namespace storm::e2e
