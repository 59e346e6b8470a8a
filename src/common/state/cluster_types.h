// The records Nimbus, supervisors and workers keep in the cluster state
// (docs/architecture.md#zookeeper-layout), as plain domain types. ClusterState turns them into
// the Thrift structs of thrift/storm.thrift on the way to ZooKeeper, so that
// nothing above it depends on generated code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace storm {

// An executor as Storm names it: its inclusive task range [first, last].
using ExecutorId = std::pair<int, int>;

struct WorkerSlot {
  std::string node;  // supervisor id
  int port = 0;
  bool operator==(const WorkerSlot&) const = default;
  auto operator<=>(const WorkerSlot&) const = default;
};

enum class TopologyStatus { kActive, kInactive, kRebalancing, kKilled };
const char* TopologyStatusName(TopologyStatus status);  // "ACTIVE", ...

// A rebalance requested with `storm rebalance`, carried out after its wait.
struct RebalanceRequest {
  int wait_secs = 0;
  std::optional<int> num_workers;
  std::map<std::string, int> num_executors;  // component -> executors
};

// /storms/<topology-id>
struct StormBase {
  std::string name;
  TopologyStatus status = TopologyStatus::kActive;
  int num_workers = 1;
  std::map<std::string, int> component_executors;
  int64_t launch_time_secs = 0;
  std::string owner;
  // While killed or rebalancing: the status to return to after a rebalance,
  // and what was asked for. Kept in ZooKeeper so that a restarted Nimbus
  // finishes the action.
  std::optional<TopologyStatus> prev_status;
  std::optional<int> kill_wait_secs;
  std::optional<RebalanceRequest> rebalance;
};

// /assignments/<topology-id>
struct Assignment {
  std::string master_code_dir;
  std::map<std::string, std::string> node_host;  // supervisor id -> host
  std::map<ExecutorId, WorkerSlot> executor_slot;
  std::map<ExecutorId, int64_t> executor_start_time_secs;
  bool operator==(const Assignment&) const = default;
};

// /supervisors/<supervisor-id> (ephemeral)
struct SupervisorInfo {
  std::string id;  // not stored in the node's data: it is the node's name
  std::string hostname;
  int64_t time_secs = 0;  // when the supervisor last wrote this
  int64_t uptime_secs = 0;
  std::vector<int> slots;       // supervisor.slots.ports
  std::vector<int> used_ports;  // ports with a running worker
  std::string version;
};

// What a worker reports about one executor.
struct ExecutorBeatStats {
  bool is_spout = false;
  int64_t emitted = 0;
  int64_t transferred = 0;
  int64_t acked = 0;
  int64_t failed = 0;
  int64_t executed = 0;
  double complete_latency_ms = 0;  // spouts: average over the worker's life
  // Spouts: the complete-latency LatencyHistogram (common/histogram.h) over
  // the worker's life, its non-empty buckets as index -> count, so that a
  // reader can take percentiles between two heartbeats (storm-perf-cluster).
  // In Thrift: SpoutStats.complete_ms_avg under the extra window
  // ":complete-latency-buckets", keyed by bucket index (see cluster_state.cc).
  std::map<int, int64_t> complete_latency_buckets;
};

// /workerbeats/<topology-id>/<supervisor-id>-<port>
struct WorkerHeartbeat {
  std::string topology_id;
  int64_t time_secs = 0;
  int64_t uptime_secs = 0;
  std::map<ExecutorId, ExecutorBeatStats> executor_stats;
};

// /errors/<topology-id>/<component-id>/e<seq>
struct ErrorRecordInfo {
  std::string error;
  int64_t time_secs = 0;
  std::string host;
  int port = 0;
};

// /nimbuses/<host:port> (ephemeral)
struct NimbusInfo {
  std::string host;
  int port = 0;
  int64_t start_time_secs = 0;
  bool is_leader = false;
  std::string version;
};

}  // namespace storm
