// storm-cpp control-plane IDL.
//
// Wire compatible with Apache Storm 2.x (storm-client/src/storm.thrift):
// service, method, struct, union, enum and exception names, field ids and
// field types are Storm's for everything defined here, so Storm's own Thrift
// clients can talk to storm-cpp's Nimbus. Additions of our own use ids that
// Storm does not use (see "ours" markers):
//   - CppObject, and ComponentObject.cpp_object (id 100);
//   - what workers measure beyond Storm's stats (ExecutorStats 100-103,
//     ClusterWorkerHeartbeat 100, WorkerSummary 100, and the structs
//     they hold: FailureCauses, ExecutorQueueStats, TaskMetric,
//     WorkerProcessStats).
// A client built from Storm's IDL skips those fields, as Thrift does with
// any field it does not know.
//
// Deliberately left out (we do not implement them): blob store API and its
// types (SettableBlobMeta, ReadableBlobMeta, AccessControl, ListBlobsResult,
// BeginDownloadResult, KeyAlreadyExistsException), profiler types,
// Supervisor/worker heartbeat RPC types, worker metrics RPC, DRPC, Pacemaker
// (HB*), worker tokens, and the Nimbus/Supervisor methods that use them.
//
// beginFileDownload: removed from the newest Storm 2.x IDL (blob download
// replaced it) but present in earlier 2.x; kept here with its original
// signature, since our supervisors fetch topology code with it.
//
// operator<: the C++ generator only *declares* operator< for structs. Those
// used as map keys need a definition, which lives in
// src/common/thrift_ordering.cc:
//   GlobalStreamId  (ComponentCommon.inputs, BoltStats maps)
//   ExecutorInfo    (ClusterWorkerHeartbeat.executor_stats)
//   NodeInfo        (Assignment.worker_resources)

namespace cpp storm.gen
namespace java org.apache.storm.generated

// ---------------------------------------------------------------------------
// Topology
// ---------------------------------------------------------------------------

union JavaObjectArg {
  1: i32 int_arg;
  2: i64 long_arg;
  3: string string_arg;
  4: bool bool_arg;
  5: binary binary_arg;
  6: double double_arg;
}

struct JavaObject {
  1: required string full_class_name;
  2: required list<JavaObjectArg> args_list;
}

struct NullStruct {
}

struct GlobalStreamId {
  1: required string componentId;
  2: required string streamId;
}

union Grouping {
  1: list<string> fields;           // empty list = global grouping
  2: NullStruct shuffle;
  3: NullStruct all;
  4: NullStruct none;
  5: NullStruct direct;
  6: JavaObject custom_object;
  7: binary custom_serialized;
  8: NullStruct local_or_shuffle;
}

struct StreamInfo {
  1: required list<string> output_fields;
  2: required bool direct;
}

struct ShellComponent {
  1: string execution_command;
  2: string script;
}

// ours: a C++ spout/bolt, created by class name from the topology library.
struct CppObject {
  1: required string class_name;
  2: optional string args_json;
}

union ComponentObject {
  1: binary serialized_java;
  2: ShellComponent shell;
  3: JavaObject java_object;
  100: CppObject cpp_object;        // ours
}

struct ComponentCommon {
  1: required map<GlobalStreamId, Grouping> inputs;
  2: required map<string, StreamInfo> streams;      // key: stream id
  3: optional i32 parallelism_hint;                 // executors
  4: optional string json_conf;                     // component config
}

struct SpoutSpec {
  1: required ComponentObject spout_object;
  2: required ComponentCommon common;
}

struct Bolt {
  1: required ComponentObject bolt_object;
  2: required ComponentCommon common;
}

// Unused by Storm and by us; kept for wire compatibility of StormTopology.
struct StateSpoutSpec {
  1: required ComponentObject state_spout_object;
  2: required ComponentCommon common;
}

// Resource-aware scheduling only; carried, not used.
struct SharedMemory {
  1: required string name;
  2: optional double on_heap;
  3: optional double off_heap_worker;
  4: optional double off_heap_node;
}

// Component ids are unique across spouts, bolts and state_spouts.
struct StormTopology {
  1: required map<string, SpoutSpec> spouts;
  2: required map<string, Bolt> bolts;
  3: required map<string, StateSpoutSpec> state_spouts;
  4: optional list<binary> worker_hooks;
  5: optional list<string> dependency_jars;
  6: optional list<string> dependency_artifacts;
  7: optional string storm_version;
  8: optional string jdk_version;
  9: optional map<string, set<string>> component_to_shared_memory;
  10: optional map<string, SharedMemory> shared_memory;
}

// ---------------------------------------------------------------------------
// Exceptions
// ---------------------------------------------------------------------------

exception AlreadyAliveException {
  1: required string msg;
}

exception NotAliveException {
  1: required string msg;
}

exception AuthorizationException {
  1: required string msg;
}

exception InvalidTopologyException {
  1: required string msg;
}

exception KeyNotFoundException {
  1: required string msg;
}

exception IllegalStateException {
  1: required string msg;
}

// ---------------------------------------------------------------------------
// Summaries and statistics
// ---------------------------------------------------------------------------

struct TopologySummary {
  1: required string id;
  2: required string name;
  3: required i32 num_tasks;
  4: required i32 num_executors;
  5: required i32 num_workers;
  6: required i32 uptime_secs;
  7: required string status;
  8: optional string storm_version;
  9: optional string topology_version;
  513: optional string sched_status;
  514: optional string owner;
  515: optional i32 replication_count;
  521: optional double requested_memonheap;
  522: optional double requested_memoffheap;
  523: optional double requested_cpu;
  524: optional double assigned_memonheap;
  525: optional double assigned_memoffheap;
  526: optional double assigned_cpu;
  527: optional map<string, double> requested_generic_resources;
  528: optional map<string, double> assigned_generic_resources;
}

struct SupervisorSummary {
  1: required string host;
  2: required i32 uptime_secs;
  3: required i32 num_workers;        // slots
  4: required i32 num_used_workers;   // slots in use
  5: required string supervisor_id;
  6: optional string version = "VERSION_NOT_PROVIDED";
  7: optional map<string, double> total_resources;
  8: optional double used_mem;
  9: optional double used_cpu;
  10: optional double fragmented_mem;
  11: optional double fragmented_cpu;
  12: optional bool blacklisted;
  13: optional map<string, double> used_generic_resources;
}

struct NimbusSummary {
  1: required string host;
  2: required i32 port;
  3: required i32 uptime_secs;
  4: required bool isLeader;
  5: required string version;
}

struct ClusterSummary {
  1: required list<SupervisorSummary> supervisors;
  // id 2 was removed by Storm; never reuse it.
  3: required list<TopologySummary> topologies;
  4: required list<NimbusSummary> nimbuses;
}

struct ErrorInfo {
  1: required string error;
  2: required i32 error_time_secs;
  3: optional string host;
  4: optional i32 port;
}

// Stats maps: time window ("600", "10800", "86400", ":all-time") to
// stream (or input stream) to value.
struct BoltStats {
  1: required map<string, map<GlobalStreamId, i64>> acked;
  2: required map<string, map<GlobalStreamId, i64>> failed;
  3: required map<string, map<GlobalStreamId, double>> process_ms_avg;
  4: required map<string, map<GlobalStreamId, i64>> executed;
  5: required map<string, map<GlobalStreamId, double>> execute_ms_avg;
}

struct SpoutStats {
  1: required map<string, map<string, i64>> acked;
  2: required map<string, map<string, i64>> failed;
  3: required map<string, map<string, double>> complete_ms_avg;
}

union ExecutorSpecificStats {
  1: BoltStats bolt;
  2: SpoutStats spout;
}

// ours: why tuples failed, counted where the failure happens: a spout
// counts the trees that timed out, a bolt the inputs it failed itself and
// those failed because its execute threw.
struct FailureCauses {
  1: required i64 timed_out;
  2: required i64 failed_by_bolt;
  3: required i64 failed_by_exception;
}

// ours: the executor's receive queue when the heartbeat was taken.
struct ExecutorQueueStats {
  1: required i64 receive_queue_population;
  2: required i64 receive_queue_capacity;
  3: required bool backpressure;            // the queue is over its high watermark
}

// ours: a metric a task registered from its TopologyContext
// (registerCounter, registerGauge, registerHistogram, registerMeter).
// values: counter {count}; gauge {value}; histogram {count, sum, min, max,
// mean, p50, p75, p95, p98, p99, p999}; meter {count, m1_rate, m5_rate,
// m15_rate, mean_rate} (rates per second).
struct TaskMetric {
  1: required i32 task_id;
  2: required string name;
  3: required string type;                  // counter, gauge, histogram, meter
  4: required map<string, double> values;
}

// Stats maps: time window ("600", "10800", "86400", ":all-time") to stream
// (or cause) to value.
struct ExecutorStats {
  1: required map<string, map<string, i64>> emitted;
  2: required map<string, map<string, i64>> transferred;
  3: required ExecutorSpecificStats specific;
  4: required double rate;
  100: optional map<string, FailureCauses> failure_causes;  // ours: by window
  101: optional ExecutorQueueStats queue;                    // ours
  102: optional list<TaskMetric> task_metrics;              // ours
  // ours: all-time latency histograms of the sampled tuples by kind
  // ("complete", "execute", "process"): LatencyHistogram bucket index -> count.
  103: optional map<string, map<i32, i64>> latency_buckets;
}

// An executor is the inclusive task range [task_start, task_end].
struct ExecutorInfo {
  1: required i32 task_start;
  2: required i32 task_end;
}

struct ExecutorSummary {
  1: required ExecutorInfo executor_info;
  2: required string component_id;
  3: required string host;
  4: required i32 port;
  5: required i32 uptime_secs;
  // id 6 is unused in Storm.
  7: optional ExecutorStats stats;
}

struct DebugOptions {
  1: optional bool enable;
  2: optional double samplingpct;
}

struct TopologyInfo {
  1: required string id;
  2: required string name;
  3: required i32 uptime_secs;
  4: required list<ExecutorSummary> executors;
  5: required string status;
  6: required map<string, list<ErrorInfo>> errors;  // by component id
  7: optional map<string, DebugOptions> component_debug;
  8: optional string storm_version;
  513: optional string sched_status;
  514: optional string owner;
  515: optional i32 replication_count;
  521: optional double requested_memonheap;
  522: optional double requested_memoffheap;
  523: optional double requested_cpu;
  524: optional double assigned_memonheap;
  525: optional double assigned_memoffheap;
  526: optional double assigned_cpu;
}

// ---------------------------------------------------------------------------
// UI pages: statistics aggregated by Nimbus over one window
// ---------------------------------------------------------------------------

struct CommonAggregateStats {
  1: optional i32 num_executors;
  2: optional i32 num_tasks;
  3: optional i64 emitted;
  4: optional i64 transferred;
  5: optional i64 acked;
  6: optional i64 failed;
  7: optional map<string, double> resources_map;
}

struct SpoutAggregateStats {
  1: optional double complete_latency_ms;
}

struct BoltAggregateStats {
  1: optional double execute_latency_ms;
  2: optional double process_latency_ms;
  3: optional i64 executed;
  4: optional double capacity;
}

union SpecificAggregateStats {
  1: BoltAggregateStats bolt;
  2: SpoutAggregateStats spout;
}

enum ComponentType {
  BOLT = 1,
  SPOUT = 2
}

struct ComponentAggregateStats {
  1: optional ComponentType type;
  2: optional CommonAggregateStats common_stats;
  3: optional SpecificAggregateStats specific_stats;
  4: optional ErrorInfo last_error;
}

struct TopologyStats {
  1: optional map<string, i64> window_to_emitted;
  2: optional map<string, i64> window_to_transferred;
  3: optional map<string, double> window_to_complete_latencies_ms;
  4: optional map<string, i64> window_to_acked;
  5: optional map<string, i64> window_to_failed;
}

// ours: a worker process as its last heartbeat measured it.
struct WorkerProcessStats {
  1: required i64 rss_bytes;
  2: required double cpu_secs;              // user + system
  3: optional i32 pid;
}

struct WorkerSummary {
  1: optional string supervisor_id;
  2: optional string host;
  3: optional i32 port;
  4: optional string topology_id;
  5: optional string topology_name;
  6: optional i32 num_executors;
  7: optional map<string, i64> component_to_num_tasks;
  8: optional i32 time_secs;
  9: optional i32 uptime_secs;
  521: optional double requested_memonheap;
  522: optional double requested_memoffheap;
  523: optional double requested_cpu;
  524: optional double assigned_memonheap;
  525: optional double assigned_memoffheap;
  526: optional double assigned_cpu;
  527: optional string owner;
  100: optional WorkerProcessStats process;                // ours
}

struct SupervisorPageInfo {
  1: optional list<SupervisorSummary> supervisor_summaries;
  2: optional list<WorkerSummary> worker_summaries;
}

struct TopologyPageInfo {
  1: required string id;
  2: optional string name;
  3: optional i32 uptime_secs;
  4: optional string status;
  5: optional i32 num_tasks;
  6: optional i32 num_workers;
  7: optional i32 num_executors;
  8: optional string topology_conf;                        // JSON
  9: optional map<string, ComponentAggregateStats> id_to_spout_agg_stats;
  10: optional map<string, ComponentAggregateStats> id_to_bolt_agg_stats;
  11: optional string sched_status;
  12: optional TopologyStats topology_stats;
  13: optional string owner;
  14: optional DebugOptions debug_options;
  15: optional i32 replication_count;
  16: optional list<WorkerSummary> workers;
  17: optional string storm_version;
  18: optional string topology_version;
  521: optional double requested_memonheap;
  522: optional double requested_memoffheap;
  523: optional double requested_cpu;
  524: optional double assigned_memonheap;
  525: optional double assigned_memoffheap;
  526: optional double assigned_cpu;
  527: optional double requested_regular_on_heap_memory;
  528: optional double requested_shared_on_heap_memory;
  529: optional double requested_regular_off_heap_memory;
  530: optional double requested_shared_off_heap_memory;
  531: optional double assigned_regular_on_heap_memory;
  532: optional double assigned_shared_on_heap_memory;
  533: optional double assigned_regular_off_heap_memory;
  534: optional double assigned_shared_off_heap_memory;
  535: optional map<string, double> requested_generic_resources;
  536: optional map<string, double> assigned_generic_resources;
}

struct ExecutorAggregateStats {
  1: optional ExecutorSummary exec_summary;
  2: optional ComponentAggregateStats stats;
}

struct ComponentPageInfo {
  1: required string component_id;
  2: required ComponentType component_type;
  3: optional string topology_id;
  4: optional string topology_name;
  5: optional i32 num_executors;
  6: optional i32 num_tasks;
  7: optional map<string, ComponentAggregateStats> window_to_stats;
  8: optional map<GlobalStreamId, ComponentAggregateStats> gsid_to_input_stats;
  9: optional map<string, ComponentAggregateStats> sid_to_output_stats;
  10: optional list<ExecutorAggregateStats> exec_stats;
  11: optional list<ErrorInfo> errors;
  12: optional string eventlog_host;
  13: optional i32 eventlog_port;
  14: optional DebugOptions debug_options;
  15: optional string topology_status;
  16: optional map<string, double> resources_map;
}

// ---------------------------------------------------------------------------
// Log levels, history, owners
// ---------------------------------------------------------------------------

enum LogLevelAction {
  UNCHANGED = 1,
  UPDATE = 2,
  REMOVE = 3
}

struct LogLevel {
  1: required LogLevelAction action;
  2: optional string target_log_level;
  3: optional i32 reset_log_level_timeout_secs;   // 0: never reset
  4: optional i64 reset_log_level_timeout_epoch;  // set by Nimbus
  5: optional string reset_log_level;             // after the timeout (INFO by default)
}

// /logconfigs/<topology-id>
struct LogConfig {
  2: optional map<string, LogLevel> named_logger_level;  // logger name -> level
}

struct TopologyHistoryInfo {
  1: list<string> topo_ids;
}

struct OwnerResourceSummary {
  1: required string owner;
  2: optional i32 total_topologies;
  3: optional i32 total_executors;
  4: optional i32 total_workers;
  5: optional double memory_usage;
  6: optional double cpu_usage;
  7: optional double memory_guarantee;
  8: optional double cpu_guarantee;
  9: optional double memory_guarantee_remaining;
  10: optional double cpu_guarantee_remaining;
  11: optional i32 isolated_node_guarantee;
  12: optional i32 total_tasks;
  13: optional double requested_on_heap_memory;
  14: optional double requested_off_heap_memory;
  15: optional double requested_total_memory;
  16: optional double requested_cpu;
  17: optional double assigned_on_heap_memory;
  18: optional double assigned_off_heap_memory;
}

// ---------------------------------------------------------------------------
// Control options
// ---------------------------------------------------------------------------

struct KillOptions {
  1: optional i32 wait_secs;
}

struct RebalanceOptions {
  1: optional i32 wait_secs;
  2: optional i32 num_workers;
  3: optional map<string, i32> num_executors;       // component -> executors
  4: optional map<string, map<string, double>> topology_resources_overrides;
  5: optional string topology_conf_overrides;       // JSON
  6: optional string principal;                     // set by Nimbus only
}

struct Credentials {
  1: required map<string, string> creds;
  2: optional string topoOwner;
}

enum TopologyInitialStatus {
  ACTIVE = 1,
  INACTIVE = 2
}

struct SubmitOptions {
  1: required TopologyInitialStatus initial_status;
  2: optional Credentials creds;
}

enum NumErrorsChoice {
  ALL,
  NONE,
  ONE
}

struct GetInfoOptions {
  1: optional NumErrorsChoice num_err_choice;
}

// ---------------------------------------------------------------------------
// Cluster state in ZooKeeper
// ---------------------------------------------------------------------------

// /supervisors/<supervisor-id>
struct SupervisorInfo {
  1: required i64 time_secs;
  2: required string hostname;
  3: optional string assignment_id;
  4: optional list<i64> used_ports;
  5: optional list<i64> meta;                       // all slot ports
  6: optional map<string, string> scheduler_meta;
  7: optional i64 uptime_secs;
  8: optional string version;
  9: optional map<string, double> resources_map;
  10: optional i32 server_port;
}

// A worker slot: supervisor (node) id and port (a one-element set in practice).
struct NodeInfo {
  1: required string node;
  2: required set<i64> port;
}

struct WorkerResources {
  1: optional double mem_on_heap;
  2: optional double mem_off_heap;
  3: optional double cpu;
  4: optional double shared_mem_on_heap;
  5: optional double shared_mem_off_heap;
  6: optional map<string, double> resources;
  7: optional map<string, double> shared_resources;
}

// /assignments/<topology-id>. Executor keys are [task_start, task_end].
struct Assignment {
  1: required string master_code_dir;
  2: optional map<string, string> node_host = {};  // supervisor id -> host
  3: optional map<list<i64>, NodeInfo> executor_node_port = {};
  4: optional map<list<i64>, i64> executor_start_time_secs = {};
  5: optional map<NodeInfo, WorkerResources> worker_resources = {};
  6: optional map<string, double> total_shared_off_heap = {};
  7: optional string owner;
}

enum TopologyStatus {
  ACTIVE = 1,
  INACTIVE = 2,
  REBALANCING = 3,
  KILLED = 4
}

// Storm marks these fields optional; inside a union that keyword is
// redundant (same wire format), so it is left out.
union TopologyActionOptions {
  1: KillOptions kill_options;
  2: RebalanceOptions rebalance_options;
}

// /storms/<topology-id>
struct StormBase {
  1: required string name;
  2: required TopologyStatus status;
  3: required i32 num_workers;
  4: optional map<string, i32> component_executors;
  5: optional i32 launch_time_secs;
  6: optional string owner;
  7: optional TopologyActionOptions topology_action_options;
  8: optional TopologyStatus prev_status;          // during rebalance
  9: optional map<string, DebugOptions> component_debug;
  10: optional string principal;
  11: optional string topology_version;
}

// /workerbeats/<topology-id>/<supervisor-id>-<port>
struct ClusterWorkerHeartbeat {
  1: required string storm_id;
  2: required map<ExecutorInfo, ExecutorStats> executor_stats;
  3: required i32 time_secs;
  4: required i32 uptime_secs;
  100: optional WorkerProcessStats process;                // ours
}

// ---------------------------------------------------------------------------
// Local state (supervisor and worker directories on one host)
// ---------------------------------------------------------------------------

struct ThriftSerializedObject {
  1: required string name;
  2: required binary bits;
}

struct LocalStateData {
  1: required map<string, ThriftSerializedObject> serialized_parts;
}

struct LocalAssignment {
  1: required string topology_id;
  2: required list<ExecutorInfo> executors;
  3: optional WorkerResources resources;
  4: optional double total_node_shared;
  5: optional string owner;
}

struct LSSupervisorId {
  1: required string supervisor_id;
}

// worker id -> port
struct LSApprovedWorkers {
  1: required map<string, i32> approved_workers;
}

// port -> assignment
struct LSSupervisorAssignments {
  1: required map<i32, LocalAssignment> assignments;
}

// Written by a worker for its supervisor.
struct LSWorkerHeartbeat {
  1: required i32 time_secs;
  2: required string topology_id;
  3: required list<ExecutorInfo> executors;
  4: required i32 port;
}

struct LSTopoHistory {
  1: required string topology_id;
  2: required i64 time_stamp;
  3: required list<string> users;
  4: required list<string> groups;
}

struct LSTopoHistoryList {
  1: required list<LSTopoHistory> topo_history;
}

// ---------------------------------------------------------------------------
// Nimbus service
// ---------------------------------------------------------------------------

service Nimbus {
  // Dynamic log levels of a running topology's workers (by topology id).
  void setLogConfig(1: string name, 2: LogConfig config);
  LogConfig getLogConfig(1: string name);
  // Storm's sampling switch: logs samplingPercentage % of what the
  // component (all components when empty) emits to its workers' events.log.
  void debug(1: string name, 2: string component, 3: bool enable, 4: double samplingPercentage)
      throws (1: NotAliveException e, 2: AuthorizationException aze);

  // Topology lifecycle.
  void submitTopology(1: string name, 2: string uploadedJarLocation, 3: string jsonConf, 4: StormTopology topology)
      throws (1: AlreadyAliveException e, 2: InvalidTopologyException ite, 3: AuthorizationException aze);
  void submitTopologyWithOpts(1: string name, 2: string uploadedJarLocation, 3: string jsonConf, 4: StormTopology topology, 5: SubmitOptions options)
      throws (1: AlreadyAliveException e, 2: InvalidTopologyException ite, 3: AuthorizationException aze);
  void killTopology(1: string name)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  void killTopologyWithOpts(1: string name, 2: KillOptions options)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  void activate(1: string name)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  void deactivate(1: string name)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  void rebalance(1: string name, 2: RebalanceOptions options)
      throws (1: NotAliveException e, 2: InvalidTopologyException ite, 3: AuthorizationException aze);

  // Code upload (topology library) and download (by supervisors).
  // downloadChunk returns an empty chunk at end of file.
  string beginFileUpload()
      throws (1: AuthorizationException aze);
  void uploadChunk(1: string location, 2: binary chunk)
      throws (1: AuthorizationException aze);
  void finishFileUpload(1: string location)
      throws (1: AuthorizationException aze);
  string beginFileDownload(1: string file)
      throws (1: AuthorizationException aze);
  binary downloadChunk(1: string id)
      throws (1: AuthorizationException aze);

  // Queries. Configurations are returned as JSON.
  string getNimbusConf()
      throws (1: AuthorizationException aze);
  ClusterSummary getClusterInfo()
      throws (1: AuthorizationException aze);
  list<TopologySummary> getTopologySummaries()
      throws (1: AuthorizationException aze);
  TopologySummary getTopologySummaryByName(1: string name)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  TopologySummary getTopologySummary(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  NimbusSummary getLeader()
      throws (1: AuthorizationException aze);
  bool isTopologyNameAllowed(1: string name)
      throws (1: AuthorizationException aze);
  TopologyInfo getTopologyInfo(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  TopologyInfo getTopologyInfoWithOpts(1: string id, 2: GetInfoOptions options)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  TopologyInfo getTopologyInfoByName(1: string name)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  TopologyInfo getTopologyInfoByNameWithOpts(1: string name, 2: GetInfoOptions options)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // window: "600", "10800", "86400" or ":all-time"; is_include_sys: count
  // system components and streams (the acker, "__ack_init", ...) too.
  TopologyPageInfo getTopologyPageInfo(1: string id, 2: string window, 3: bool is_include_sys)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // id: a supervisor id (or empty, with host: every supervisor on that host).
  SupervisorPageInfo getSupervisorPageInfo(1: string id, 2: string host, 3: bool is_include_sys)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  ComponentPageInfo getComponentPageInfo(1: string topology_id, 2: string component_id, 3: string window, 4: bool is_include_sys)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // Topology ids that ran on this cluster, live or dead (the user is not
  // checked: there is no authentication yet).
  TopologyHistoryInfo getTopologyHistory(1: string user)
      throws (1: AuthorizationException aze);
  // Empty owner: every owner.
  list<OwnerResourceSummary> getOwnerResourceSummaries(1: string owner)
      throws (1: AuthorizationException aze);
  string getTopologyConf(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // With system components (ackers) added.
  StormTopology getTopology(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // As submitted.
  StormTopology getUserTopology(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
}
