// Hosts of the multi-process cluster for the e2e tests of issue #4: a
// real storm-supervisor process standing for one host (its own
// storm.local.dir, slot ports and log), and helpers reading what its
// workers do. Used with a TestCluster (nimbus_cluster.h):
//
//   SupervisorHost a(cluster, "a", {port1, port2});
//   a.WorkerPids();                       // port -> pid of its live workers
//   SpoutAcked(cluster, topology_id);     // from the workers' /workerbeats
//   std::cerr << a.Logs();                // its log and its workers' logs
//
// Not thread safe.
#pragma once

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/state/local_state.h"
#include "e2e/nimbus_cluster.h"

namespace storm::e2e {

inline std::string SupervisorBinary() { return BuildDir() + "/bin/storm-supervisor"; }

inline std::string CmdlineOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A storm-supervisor process as one host: its own config (the cluster's,
// plus its local dir and slots) and log.
class SupervisorHost {
 public:
  // `extra_yaml` is appended to the host's storm.yaml (lines of "key: value").
  SupervisorHost(TestCluster& cluster, const std::string& name, std::vector<int> ports,
                 const std::string& extra_yaml = "")
      : name_(name), ports_(ports) {
    std::ifstream in(cluster.config_file());
    std::stringstream yaml;
    yaml << in.rdbuf();
    std::string ports_list;
    for (int p : ports) ports_list += (ports_list.empty() ? "" : ", ") + std::to_string(p);
    std::string text = yaml.str();
    // The cluster's storm.local.dir is Nimbus's; this host gets its own.
    const size_t at = text.find("storm.local.dir:");
    const size_t end = text.find('\n', at);
    text.replace(at, end - at, "storm.local.dir: \"" + local_dir().string() + "\"");
    text += "storm.local.hostname: \"127.0.0.1\"\n"
            "supervisor.slots.ports: [" + ports_list + "]\n"
            "supervisor.monitor.frequency.secs: 1\n"
            "supervisor.heartbeat.frequency.secs: 1\n"
            "supervisor.worker.timeout.secs: 10\n"
            "supervisor.worker.shutdown.sleep.secs: 2\n" +
            extra_yaml;
    dir_.Write("storm.yaml", text);
    daemon_ = std::make_unique<DaemonProcess>(
        std::vector<std::string>{SupervisorBinary(), "--config", (dir_ / "storm.yaml").string()},
        dir_ / "supervisor.log", std::map<std::string, std::string>{{"HOME", dir_.path().string()}});
    daemon_->Start();
  }

  // Stops the supervisor, then SIGKILLs the workers it left (a test that
  // failed before killing its topology must leave no process behind).
  ~SupervisorHost() {
    daemon_->Stop(std::chrono::seconds(5));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(local_dir() / "workers", ec)) {
      std::ifstream pid_file(entry.path() / "pid");
      int pid = 0;
      pid_file >> pid;
      // Only the worker of this dir: the pid may have been reused since.
      if (pid > 0 && CmdlineOf(pid).find(entry.path().filename().string()) != std::string::npos) {
        ::kill(pid, SIGKILL);
      }
    }
  }

  fs::path local_dir() const { return dir_ / "storm-local"; }
  // This host's storm.yaml (the cluster's, plus its own keys).
  std::string config_file() const { return (dir_ / "storm.yaml").string(); }
  DaemonProcess& daemon() { return *daemon_; }
  const std::string& name() const { return name_; }
  const std::vector<int>& ports() const { return ports_; }

  // The id this host's supervisor registered with: the one whose slots are
  // this host's ports ("" when none is registered).
  std::string SupervisorId(TestCluster& cluster) const {
    for (const std::string& id : cluster.state().SupervisorIds()) {
      auto info = cluster.state().GetSupervisor(id);
      if (info && info->slots == ports_) return id;
    }
    return "";
  }

  // This host's worker log for `port` of topology `id` (storm.log.dir is
  // not set: <storm.local.dir>/logs).
  fs::path WorkerLog(const std::string& id, int port) const {
    return LocalState(local_dir().string()).WorkerLogFile(id, port);
  }

  // port -> pid of the worker processes this host's supervisor started.
  std::map<int, int> WorkerPids() const {
    std::map<int, int> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(local_dir() / "workers", ec)) {
      std::ifstream pid_file(entry.path() / "pid");
      int pid = 0;
      pid_file >> pid;
      LocalState local(local_dir().string());
      auto hb = local.ReadHeartbeat(entry.path().filename().string());
      if (pid > 0 && hb && ::kill(pid, 0) == 0) out[hb->port] = pid;
    }
    return out;
  }

  std::string Logs() const {
    std::string out = "--- " + name_ + " supervisor log:\n" + daemon_->LogTail(40);
    std::error_code ec;
    const fs::path artifacts = LocalState(local_dir().string()).WorkersArtifactsRoot();
    for (const auto& entry : fs::recursive_directory_iterator(artifacts, ec)) {
      if (entry.path().filename() != "worker.log") continue;
      std::ifstream in(entry.path());
      std::vector<std::string> lines;
      for (std::string line; std::getline(in, line);) lines.push_back(line);
      out += "--- " + entry.path().string() + ":\n";
      for (size_t i = lines.size() > 25 ? lines.size() - 25 : 0; i < lines.size(); ++i) {
        out += "  " + lines[i] + "\n";
      }
    }
    return out;
  }

 private:
  std::string name_;
  std::vector<int> ports_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};


// Sum of the spouts' acked counts, as the workers' heartbeats report them.
inline int64_t SpoutAcked(TestCluster& cluster, const std::string& id) {
  int64_t acked = 0;
  for (const auto& [slot, hb] : cluster.state().WorkerHeartbeats(id)) {
    for (const auto& [e, stats] : hb.executor_stats) {
      if (stats.is_spout) acked += stats.AllTime().Acked();
    }
  }
  return acked;
}

}  // namespace storm::e2e
