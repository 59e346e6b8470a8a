// ClusterState: Storm's IStormClusterState, the typed view of the cluster's
// state over a StateStorage (ZooKeeper, or memory in local mode), laid out
// as docs/architecture.md#zookeeper-layout describes. Values are the Thrift structs of
// thrift/storm.thrift, serialized with Thrift's binary protocol, so that
// Storm's own tools can read them; callers see the domain types of
// cluster_types.h.
//
// Errors: StateStorageError when the store is unreachable; a node whose bytes
// do not decode is logged and read as missing (a corrupt node must not stop
// Nimbus or a supervisor).
// Thread safety: as the storage (every method from any thread).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "common/state/state_storage.h"

namespace storm {

class ClusterState {
 public:
  explicit ClusterState(std::shared_ptr<StateStorage> storage);

  StateStorage& storage() { return *storage_; }

  // /storms
  std::vector<std::string> ActiveStorms(bool watch = false);
  std::optional<StormBase> GetStormBase(const std::string& topology_id, bool watch = false);
  void SetStormBase(const std::string& topology_id, const StormBase& base);
  void RemoveStormBase(const std::string& topology_id);

  // /assignments
  std::vector<std::string> AssignmentIds(bool watch = false);
  std::optional<Assignment> GetAssignment(const std::string& topology_id, bool watch = false);
  void SetAssignment(const std::string& topology_id, const Assignment& assignment);
  void RemoveAssignment(const std::string& topology_id);

  // /supervisors (ephemeral, re-created by the storage after a session loss)
  std::vector<std::string> SupervisorIds(bool watch = false);
  std::optional<SupervisorInfo> GetSupervisor(const std::string& supervisor_id);
  void SetSupervisor(const SupervisorInfo& info);
  void RemoveSupervisor(const std::string& supervisor_id);

  // /workerbeats
  std::vector<std::string> HeartbeatTopologies();
  void SetWorkerHeartbeat(const std::string& topology_id, const WorkerSlot& slot,
                          const WorkerHeartbeat& heartbeat);
  std::optional<WorkerHeartbeat> GetWorkerHeartbeat(const std::string& topology_id,
                                                    const WorkerSlot& slot);
  // Every worker of the topology that wrote a heartbeat.
  std::vector<std::pair<WorkerSlot, WorkerHeartbeat>> WorkerHeartbeats(
      const std::string& topology_id);
  void RemoveWorkerHeartbeat(const std::string& topology_id, const WorkerSlot& slot);
  void RemoveWorkerHeartbeats(const std::string& topology_id);

  // /errors: the last kMaxErrors per component are kept, oldest first.
  static constexpr int kMaxErrors = 10;
  std::vector<std::string> ErrorTopologies();
  void ReportError(const std::string& topology_id, const std::string& component_id,
                   const ErrorRecordInfo& error);
  std::vector<ErrorRecordInfo> Errors(const std::string& topology_id,
                                      const std::string& component_id);
  void RemoveErrors(const std::string& topology_id);

  // /nimbuses (ephemeral)
  void SetNimbus(const NimbusInfo& info);
  std::vector<NimbusInfo> Nimbuses();

  // /logconfigs: the log levels set on a running topology (Storm's
  // LogConfig; only UPDATE entries are kept).
  std::optional<LogConfig> GetLogConfig(const std::string& topology_id, bool watch = false);
  void SetLogConfig(const std::string& topology_id, const LogConfig& config);
  void RemoveLogConfig(const std::string& topology_id);

  // Everything a topology left: base, assignment, heartbeats, errors, log config.
  void RemoveTopology(const std::string& topology_id);

 private:
  std::shared_ptr<StateStorage> storage_;
};

}  // namespace storm
