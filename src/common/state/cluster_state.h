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

// One Nimbus in the leader election (/leader-lock): its lock node, and the
// Nimbus ("host:port") that made it.
struct LeaderCandidate {
  std::string node;  // the child's name, "<nonce>-latch-<10-digit sequence>"
  std::string host_port;
};

class ClusterState {
 public:
  explicit ClusterState(std::shared_ptr<StateStorage> storage);

  // Where the code holders are (CodeKeys); its watch events name paths under it.
  static constexpr const char* kBlobstoreDir = "/blobstore";

  StateStorage& storage() { return *storage_; }

  // The same state, whose writes of what only the leader writes (/storms,
  // /assignments, /logconfigs) are fenced by the node `guard` (the leader's
  // lock node): each is one transaction with a check that `guard` exists,
  // and throws GuardLostError, writing nothing, when it is gone.
  std::shared_ptr<ClusterState> Guarded(const std::string& guard) const;
  const std::string& guard() const { return guard_; }

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

  // /nimbuses (ephemeral). Nimbuses() marks as leader only the Nimbus that
  // Leader() names, whatever the others' (possibly stale) summaries say.
  void SetNimbus(const NimbusInfo& info);
  std::vector<NimbusInfo> Nimbuses();
  // The leader: the Nimbus of the lowest lock node, when its summary says it
  // took the lead (it may still be fetching code). nullopt: no leader now.
  std::optional<NimbusInfo> Leader();

  // /leader-lock (ephemeral sequential, of the session that made them):
  // lowest sequence leads. `nonce` makes this Nimbus's nodes recognizable
  // after a create whose answer was lost. Returns the node's path.
  std::string JoinLeaderLock(const std::string& nonce, const std::string& host_port);
  // Every candidate, lowest sequence first.
  std::vector<LeaderCandidate> LeaderCandidates(bool watch = false);
  static std::string LeaderLockPath(const std::string& node);

  // /blobstore/<topology-id>/<host:port>-1 (ephemeral): the Nimbuses that
  // hold a topology's code, as Storm's blobstore keys. Code never changes
  // under an id, so its version is always 1.
  std::vector<std::string> CodeKeys(bool watch = false);
  // "host:port" of each holder.
  std::vector<std::string> CodeHolders(const std::string& topology_id, bool watch = false);
  void AddCodeHolder(const std::string& topology_id, const std::string& host_port);
  void RemoveCodeHolder(const std::string& topology_id, const std::string& host_port);
  // The key and every holder (the leader, once the topology is removed).
  // Guarded: checks the guard first (not in one transaction with the
  // delete, which a node with children cannot be).
  void RemoveCodeKey(const std::string& topology_id);

  // /logconfigs: the log levels set on a running topology (Storm's
  // LogConfig; only UPDATE entries are kept).
  std::optional<LogConfig> GetLogConfig(const std::string& topology_id, bool watch = false);
  void SetLogConfig(const std::string& topology_id, const LogConfig& config);
  void RemoveLogConfig(const std::string& topology_id);

  // Everything a topology left: base, assignment, heartbeats, errors, log config.
  void RemoveTopology(const std::string& topology_id);

 private:
  // Set or delete, fenced when guard_ is set.
  void Write(const std::string& path, const std::string& data);
  void Delete(const std::string& path);

  std::shared_ptr<StateStorage> storage_;
  std::string guard_;  // "" for unfenced writes
};

}  // namespace storm
