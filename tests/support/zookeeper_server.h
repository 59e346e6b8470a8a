// A real ZooKeeper server for tests (Debian's `zookeeper` package on a Java
// runtime), in its own process on a free 127.0.0.1 port with a temporary
// data dir; its output goes to zookeeper.log in that dir, not to the test's.
//
//   ZooKeeperServer zk;          // started; throws std::runtime_error saying
//                                // what is missing when it cannot start
//   zk.Stop(); zk.Start();       // an outage: same port, same data (sessions
//                                // survive a restart shorter than their timeout)
//
// Tests that only need *a* ZooKeeper call AnyZooKeeper(): the one
// scripts/test.sh started (STORM_TEST_ZOOKEEPER=host:port) when set, else
// one started once for this test process. Each test then works under its
// own root, UniqueTestRoot(). Tests that stop or restart ZooKeeper always
// start their own ZooKeeperServer.
//
// The server gets SIGKILL when the thread that started it exits
// (PR_SET_PDEATHSIG), so a crashed test leaves no JVM behind: start it from
// the thread that outlives it (a test's own thread, or the main thread).
// Not thread safe: one thread drives a ZooKeeperServer.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/state/zookeeper_storage.h"
#include "support/ports.h"
#include "support/processes.h"
#include "support/temp_dir.h"

namespace storm::testing {

namespace zookeeper_detail {

inline constexpr const char* kJava = "/usr/bin/java";
inline constexpr const char* kServerJar = "/usr/share/java/zookeeper.jar";
// The jar's manifest names its other dependencies; slf4j-simple is the
// logging binding (to the log file), without which slf4j only warns.
inline constexpr const char* kClassPath =
    "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar";

// Sends a four-letter command to the ZooKeeper on 127.0.0.1:port and
// returns its whole answer ("" when it cannot connect or the command is not
// whitelisted).
inline std::string FourLetterWord(int port, const std::string& word) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, word.data(), word.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(word.size())) {
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
      answer.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return answer;
}

// Sends ZooKeeper's "ruok" four-letter command; true when it answers "imok".
inline bool AnswersRuok(int port) { return FourLetterWord(port, "ruok") == "imok"; }


}  // namespace zookeeper_detail

// What the four-letter command "dump" tells of a server: its sessions
// ("0x..." ids, those not yet expired) and which session owns each
// ephemeral node (full paths, the client's root included).
struct ZooKeeperDump {
  std::set<std::string> sessions;
  std::map<std::string, std::string> ephemeral_owner;
};

inline ZooKeeperDump ParseZooKeeperDump(const std::string& text) {
  ZooKeeperDump dump;
  enum { kNone, kSessions, kEphemerals } part = kNone;
  std::string owner;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("SessionTracker dump", 0) == 0) {
      part = kSessions;
    } else if (line.rfind("ephemeral nodes dump", 0) == 0) {
      part = kEphemerals;
    } else if (line.rfind("Connections dump", 0) == 0) {
      part = kNone;
    } else if (part == kSessions && line.rfind("\t0x", 0) == 0) {
      dump.sessions.insert(line.substr(1));
    } else if (part == kEphemerals && line.rfind("0x", 0) == 0 && line.back() == ':') {
      owner = line.substr(0, line.size() - 1);
    } else if (part == kEphemerals && line.rfind("\t/", 0) == 0) {
      dump.ephemeral_owner[line.substr(1)] = owner;
    }
  }
  return dump;
}

class ZooKeeperServer {
 public:
  // Picks a port, writes zoo.cfg and starts the server.
  ZooKeeperServer() : port_(FreePort()) {
    // tickTime 500 ms lets sessions be as short as 1 s (2 ticks) and makes
    // the server notice an expired session within half a second; the
    // maximum stays high enough for Storm's default (20 s).
    dir_.Write("zoo.cfg", "tickTime=500\n"
                          "minSessionTimeout=1000\n"
                          "maxSessionTimeout=60000\n"
                          "dataDir=" + (dir_ / "data").string() + "\n" +
                          "clientPort=" + std::to_string(port_) + "\n" +
                          "clientPortAddress=127.0.0.1\n"
                          "admin.enableServer=false\n"
                          "4lw.commands.whitelist=ruok,srvr,stat,mntr,dump\n"
                          "preAllocSize=1024\n"
                          "forceSync=no\n");
    std::filesystem::create_directories(dir_ / "data");
    Start();
  }
  ~ZooKeeperServer() { Stop(); }
  ZooKeeperServer(const ZooKeeperServer&) = delete;
  ZooKeeperServer& operator=(const ZooKeeperServer&) = delete;

  // Starts the server (again, on the same port and data) and waits until it
  // answers "ruok"; throws std::runtime_error with the end of its log if it
  // does not within 30 s.
  void Start() {
    if (running()) return;
    for (const char* file : {zookeeper_detail::kJava, zookeeper_detail::kServerJar}) {
      if (::access(file, R_OK) != 0) {
        throw std::runtime_error(std::string("cannot start ZooKeeper for the test: ") + file +
                                 " is missing (install the Debian packages zookeeper and "
                                 "default-jre-headless, e.g. with scripts/install-deps.sh)");
      }
    }
    const std::string config = (dir_ / "zoo.cfg").string();
    const std::string log = log_path().string();
    std::vector<std::string> args = {zookeeper_detail::kJava,
                                     "-Xmx256m",
                                     "-XX:+UseSerialGC",
                                     "-XX:TieredStopAtLevel=1",
                                     "-Dzookeeper.admin.enableServer=false",
                                     "-cp",
                                     zookeeper_detail::kClassPath,
                                     "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                                     config};
    daemon_ = std::make_unique<DaemonProcess>(std::move(args), log_path());
    daemon_->Start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!zookeeper_detail::AnswersRuok(port_)) {
      const bool exited = !daemon_->Alive();
      if (exited || std::chrono::steady_clock::now() > deadline) {
        Stop();
        throw std::runtime_error(
            "ZooKeeper did not come up on 127.0.0.1:" + std::to_string(port_) +
            (exited ? " (it exited)" : " within 30 s") + "; the end of " + log + ":\n" +
            daemon_->LogTail(20));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Stops the server: SIGTERM, then SIGKILL after 5 s.
  void Stop() {
    if (daemon_) daemon_->Stop(std::chrono::seconds(5));
  }

  void Restart() {
    Stop();
    Start();
  }

  // Its sessions and ephemeral nodes now (four-letter command "dump").
  ZooKeeperDump Dump() const {
    return ParseZooKeeperDump(zookeeper_detail::FourLetterWord(port_, "dump"));
  }

  bool running() const { return daemon_ && daemon_->pid() > 0; }
  int port() const { return port_; }
  std::string connect_string() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path log_path() const { return dir_ / "zookeeper.log"; }

 private:
  TempDir dir_;
  int port_;
  std::unique_ptr<DaemonProcess> daemon_;
};

// The ZooKeeper scripts/test.sh started ("host:port"), or "" when the
// variable STORM_TEST_ZOOKEEPER is not set.
inline std::string SharedZooKeeper() {
  const char* address = std::getenv("STORM_TEST_ZOOKEEPER");
  return address == nullptr ? "" : address;
}

// A ZooKeeper for tests that do not stop it: SharedZooKeeper() when set,
// else a ZooKeeperServer started on first use and kept until the process
// exits.
inline std::string AnyZooKeeper() {
  const std::string shared = SharedZooKeeper();
  if (!shared.empty()) return shared;
  static std::unique_ptr<ZooKeeperServer> own = std::make_unique<ZooKeeperServer>();
  return own->connect_string();
}

// "/test-<pid>-<n>": a root of its own for each test in a shared ZooKeeper.
inline std::string UniqueTestRoot() {
  static std::atomic<int> counter{0};
  return "/test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Options for a test: short session (5 s, so an expiry is quick to provoke)
// and connection (5 s) timeouts, and retries that ride out an outage of
// about 12 s (0.25 + 0.5 + 1 + 2 + 2 + 2 + 2 + 2 s of back-off, each cut
// short when the connection comes back): a restarted JVM can be slow on a
// busy machine.
inline ZooKeeperOptions TestZooKeeperOptions(const std::string& connect_string,
                                             const std::string& root) {
  ZooKeeperOptions options;
  options.servers.clear();
  size_t start = 0;
  while (start <= connect_string.size()) {
    const size_t comma = std::min(connect_string.find(',', start), connect_string.size());
    if (comma > start) options.servers.push_back(connect_string.substr(start, comma - start));
    start = comma + 1;
  }
  options.root = root;
  options.session_timeout_ms = 5000;
  options.connection_timeout_ms = 5000;
  options.retry_times = 8;
  options.retry_interval_ms = 250;
  options.retry_ceiling_ms = 2000;
  return options;
}

inline ZooKeeperOptions TestZooKeeperOptions(const ZooKeeperServer& server,
                                             const std::string& root) {
  return TestZooKeeperOptions(server.connect_string(), root);
}

}  // namespace storm::testing
