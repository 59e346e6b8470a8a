#include "common/state/local_state.h"

#include <algorithm>
#include <filesystem>

#include "common/config/daemon.h"
#include "common/state/cluster_thrift.h"
#include "common/thrift/thrift_bytes.h"
#include "storm/errors.h"
#include "storm_types.h"

namespace fs = std::filesystem;

namespace storm {

LocalState::LocalState(std::string local_dir, std::string log_dir)
    : local_dir_(std::move(local_dir)), log_dir_(std::move(log_dir)) {
  if (log_dir_.empty()) log_dir_ = (fs::path(local_dir_) / "logs").string();
}

LocalState LocalState::FromConfig(const Config& conf) {
  return LocalState(conf.getString(Config::kStormLocalDir), LogDir(conf));
}

std::string LocalState::SupervisorIdFile() const {
  return (fs::path(local_dir_) / "supervisor" / "supervisor-id").string();
}
std::string LocalState::CodeRoot() const {
  return (fs::path(local_dir_) / "supervisor" / "stormdist").string();
}
std::string LocalState::CodeDir(const std::string& topology_id) const {
  return (fs::path(CodeRoot()) / topology_id).string();
}
std::string LocalState::WorkersRoot() const { return (fs::path(local_dir_) / "workers").string(); }
std::string LocalState::WorkerDir(const std::string& worker_id) const {
  return (fs::path(WorkersRoot()) / worker_id).string();
}
std::string LocalState::WorkerConfFile(const std::string& worker_id) const {
  return (fs::path(WorkerDir(worker_id)) / "worker.yaml").string();
}
std::string LocalState::WorkerPidFile(const std::string& worker_id) const {
  return (fs::path(WorkerDir(worker_id)) / "pid").string();
}
std::string LocalState::WorkersArtifactsRoot() const {
  return (fs::path(log_dir_) / "workers-artifacts").string();
}
std::string LocalState::WorkerLogDir(const std::string& topology_id, int port) const {
  return (fs::path(WorkersArtifactsRoot()) / topology_id / std::to_string(port)).string();
}
std::string LocalState::WorkerLogFile(const std::string& topology_id, int port) const {
  return (fs::path(WorkerLogDir(topology_id, port)) / "worker.log").string();
}
std::string LocalState::WorkerStdoutFile(const std::string& topology_id, int port) const {
  return WorkerLogFile(topology_id, port) + ".out";
}
std::string LocalState::WorkerStderrFile(const std::string& topology_id, int port) const {
  return WorkerLogFile(topology_id, port) + ".err";
}

void LocalState::WriteHeartbeat(const std::string& worker_id,
                                const LocalWorkerHeartbeat& heartbeat) const {
  gen::LSWorkerHeartbeat t;
  t.time_secs = static_cast<int32_t>(heartbeat.time_secs);
  t.topology_id = heartbeat.topology_id;
  t.port = heartbeat.port;
  for (const ExecutorId& e : heartbeat.executors) {
    gen::ExecutorInfo info;
    info.task_start = e.first;
    info.task_end = e.second;
    t.executors.push_back(info);
  }
  WriteFileAtomically((fs::path(WorkerDir(worker_id)) / "heartbeat").string(), ThriftToBytes(t));
}

std::optional<LocalWorkerHeartbeat> LocalState::ReadHeartbeat(const std::string& worker_id) const {
  std::optional<std::string> bytes =
      ReadFileIfPresent((fs::path(WorkerDir(worker_id)) / "heartbeat").string());
  if (!bytes) return std::nullopt;
  try {
    auto t = ThriftFromBytes<gen::LSWorkerHeartbeat>(*bytes, "worker heartbeat");
    LocalWorkerHeartbeat h;
    h.time_secs = t.time_secs;
    h.topology_id = t.topology_id;
    h.port = t.port;
    for (const auto& e : t.executors) h.executors.emplace_back(e.task_start, e.task_end);
    return h;
  } catch (const SerializationError&) {
    return std::nullopt;
  }
}

void LocalState::WriteWorkerStats(const std::string& worker_id,
                                  const WorkerHeartbeat& heartbeat) const {
  WriteFileAtomically((fs::path(WorkerDir(worker_id)) / "stats").string(),
                      ThriftToBytes(WorkerHeartbeatToThrift(heartbeat)));
}

std::optional<WorkerHeartbeat> LocalState::ReadWorkerStats(const std::string& worker_id) const {
  std::optional<std::string> bytes =
      ReadFileIfPresent((fs::path(WorkerDir(worker_id)) / "stats").string());
  if (!bytes) return std::nullopt;
  try {
    return WorkerHeartbeatFromThrift(
        ThriftFromBytes<gen::ClusterWorkerHeartbeat>(*bytes, "worker stats"));
  } catch (const SerializationError&) {
    return std::nullopt;
  }
}

}  // namespace storm

namespace storm {

namespace {
fs::path CopiesRoot(const std::string& local_dir) {
  return fs::path(local_dir) / "supervisor" / "topologies";
}
}  // namespace

void LocalState::WriteTopologyCopy(const std::string& topology_id, const TopologyCopy& copy) const {
  const fs::path dir = CopiesRoot(local_dir_) / topology_id;
  fs::create_directories(dir);
  WriteFileAtomically((dir / "stormbase").string(), ThriftToBytes(BaseToThrift(copy.base)));
  WriteFileAtomically((dir / "assignment").string(),
                      ThriftToBytes(AssignmentToThrift(copy.assignment)));
}

std::optional<LocalState::TopologyCopy> LocalState::ReadTopologyCopy(
    const std::string& topology_id) const {
  const fs::path dir = CopiesRoot(local_dir_) / topology_id;
  std::optional<std::string> base = ReadFileIfPresent((dir / "stormbase").string());
  std::optional<std::string> assignment = ReadFileIfPresent((dir / "assignment").string());
  if (!base || !assignment) return std::nullopt;
  try {
    return TopologyCopy{
        BaseFromThrift(ThriftFromBytes<gen::StormBase>(*base, "local StormBase copy")),
        AssignmentFromThrift(ThriftFromBytes<gen::Assignment>(*assignment, "local assignment copy"))};
  } catch (const SerializationError&) {
    return std::nullopt;
  }
}

std::vector<std::string> LocalState::TopologyCopies() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(CopiesRoot(local_dir_), ec)) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void LocalState::RemoveTopologyCopy(const std::string& topology_id) const {
  std::error_code ec;
  fs::remove_all(CopiesRoot(local_dir_) / topology_id, ec);
}

}  // namespace storm
