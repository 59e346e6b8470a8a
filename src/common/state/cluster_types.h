// The records Nimbus, supervisors and workers keep in the cluster state
// (docs/architecture.md#zookeeper-layout), as plain domain types. ClusterState turns them into
// the Thrift structs of thrift/storm.thrift on the way to ZooKeeper, so that
// nothing above it depends on generated code.
#pragma once

#include <compare>
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

// Storm's sampling switch (`storm debug`, Nimbus.debug) for one component.
struct DebugOptions {
  bool enable = false;
  double sampling_pct = 0;  // percent of emitted tuples logged, 0..100
  bool operator==(const DebugOptions&) const = default;
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
  // By component id; the empty id is the whole topology.
  std::map<std::string, DebugOptions> component_debug;
};

// One logger's level set on a running topology (`storm set_log_level`).
struct LoggerLevel {
  std::string target_level;           // "DEBUG", "INFO", ... (Storm's names)
  int64_t reset_timeout_epoch_secs = 0;  // when to go back to reset_level; 0: never
  std::string reset_level = "INFO";
  bool operator==(const LoggerLevel&) const = default;
};

// /logconfigs/<topology-id>: the levels its workers apply, by logger name
// (Storm's LogConfig; "ROOT" is every logger).
struct LogConfig {
  std::map<std::string, LoggerLevel> loggers;
  bool operator==(const LogConfig&) const = default;
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

// Storm's stats windows, in seconds, and the all-time one: the keys of
// ExecutorBeatStats::windows (and of Storm's ExecutorStats maps).
inline constexpr const char* kWindow10Min = "600";
inline constexpr const char* kWindow3Hours = "10800";
inline constexpr const char* kWindow1Day = "86400";
inline constexpr const char* kWindowAllTime = ":all-time";
inline constexpr const char* kStatsWindows[] = {kWindow10Min, kWindow3Hours, kWindow1Day,
                                                kWindowAllTime};

// The stream a count is kept under: a spout's acks and fails by its own
// output stream (component empty), a bolt's by input stream (the component
// and stream the input came from); as Storm's SpoutStats and BoltStats.
struct StatsStreamId {
  std::string component;
  std::string stream;
  auto operator<=>(const StatsStreamId&) const = default;
  bool operator==(const StatsStreamId&) const = default;
};

// Why tuples failed (thrift FailureCauses), counted where it happened.
struct FailureCauseCounts {
  int64_t timed_out = 0;            // spouts: trees past topology.message.timeout.secs
  int64_t failed_by_bolt = 0;       // bolts: inputs the user's code failed
  int64_t failed_by_exception = 0;  // bolts: inputs failed because execute threw
  int64_t Total() const { return timed_out + failed_by_bolt + failed_by_exception; }
  bool operator==(const FailureCauseCounts&) const = default;
};

// One executor over one window: Storm's ExecutorStats maps for one window key.
// Latencies are averages in milliseconds over the window (of the sampled
// tuples, topology.stats.sample.rate).
struct WindowStats {
  std::map<std::string, int64_t> emitted;      // output stream -> tuples emitted
  std::map<std::string, int64_t> transferred;  // output stream -> (tuple, task) pairs sent
  std::map<StatsStreamId, int64_t> acked;
  std::map<StatsStreamId, int64_t> failed;
  std::map<StatsStreamId, int64_t> executed;           // bolts
  std::map<StatsStreamId, double> execute_ms_avg;      // bolts
  std::map<StatsStreamId, double> process_ms_avg;      // bolts
  std::map<StatsStreamId, double> complete_ms_avg;     // spouts
  FailureCauseCounts failure_causes;

  // Sums over streams.
  int64_t Emitted() const;
  int64_t Transferred() const;
  int64_t Acked() const;
  int64_t Failed() const;
  int64_t Executed() const;
  bool operator==(const WindowStats&) const = default;
};

// An executor's receive queue when the heartbeat was taken.
struct QueueStats {
  int64_t population = 0;
  int64_t capacity = 0;
  bool backpressure = false;
  bool operator==(const QueueStats&) const = default;
};

// A metric a task registered (TopologyContext::registerCounter, ...), thrift
// TaskMetric: type "counter", "gauge", "histogram" or "meter", and its
// values by name ("count", "value", "p99", "m1_rate", ...).
struct TaskMetricSample {
  int task = 0;
  std::string name;
  std::string type;
  std::map<std::string, double> values;
  bool operator==(const TaskMetricSample&) const = default;
};

// What a worker reports about one executor.
struct ExecutorBeatStats {
  bool is_spout = false;
  std::map<std::string, WindowStats> windows;  // kStatsWindows -> stats
  std::optional<QueueStats> queue;
  std::vector<TaskMetricSample> task_metrics;
  // The latency LatencyHistograms (common/util/histogram.h) of the sampled
  // tuples over the worker's life, by kind: "complete" (spouts), "execute"
  // and "process" (bolts); each its non-empty buckets as index -> count, so
  // that a reader can take percentiles between two heartbeats
  // (storm-perf-cluster) or export them (Prometheus). In Thrift: ours,
  // ExecutorStats.latency_buckets (103).
  std::map<std::string, std::map<int, int64_t>> latency_buckets;

  // The window's stats; empty ones when the worker did not report it.
  const WindowStats& Window(const std::string& window) const;
  const WindowStats& AllTime() const { return Window(kWindowAllTime); }
  bool operator==(const ExecutorBeatStats&) const = default;
};

// A worker process as it measured itself.
struct ProcessStats {
  int64_t rss_bytes = 0;
  double cpu_secs = 0;  // user + system
  int pid = 0;
  bool operator==(const ProcessStats&) const = default;
};

// /workerbeats/<topology-id>/<supervisor-id>-<port>
struct WorkerHeartbeat {
  std::string topology_id;
  int64_t time_secs = 0;
  int64_t uptime_secs = 0;
  std::map<ExecutorId, ExecutorBeatStats> executor_stats;
  std::optional<ProcessStats> process;
  bool operator==(const WorkerHeartbeat&) const = default;
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
