// storm-cpp control-plane IDL.
//
// Wire compatible with Apache Storm 2.x (storm-client/src/storm.thrift):
// service, method, struct, union, enum and exception names, field ids and
// field types are Storm's for everything defined here, so Storm's own Thrift
// clients can talk to storm-cpp's Nimbus. Additions of our own use ids that
// Storm does not use (see "ours" markers):
//   - CppObject, and ComponentObject.cpp_object (id 100).
//
// Deliberately left out (we do not implement them): blob store API and its
// types (SettableBlobMeta, ReadableBlobMeta, AccessControl, ListBlobsResult,
// BeginDownloadResult, KeyAlreadyExistsException), UI page types (TopologyPageInfo, ComponentPageInfo, SupervisorPageInfo,
// WorkerSummary, *AggregateStats, TopologyStats, ComponentType), log-level
// and profiler types, TopologyHistoryInfo, OwnerResourceSummary,
// Supervisor/worker heartbeat RPC types, worker metrics, DRPC, Pacemaker
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

struct ExecutorStats {
  1: required map<string, map<string, i64>> emitted;
  2: required map<string, map<string, i64>> transferred;
  3: required ExecutorSpecificStats specific;
  4: required double rate;
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
      throws (1: AuthorizationException aze);
  TopologySummary getTopologySummaryById(1: string id)
      throws (1: AuthorizationException aze);
  NimbusSummary getLeader()
      throws (1: AuthorizationException aze);
  bool isTopologyNameAllowed(1: string name)
      throws (1: AuthorizationException aze);
  TopologyInfo getTopologyInfo(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  TopologyInfo getTopologyInfoWithOpts(1: string id, 2: GetInfoOptions options)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  string getTopologyConf(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // With system components (ackers) added.
  StormTopology getTopology(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
  // As submitted.
  StormTopology getUserTopology(1: string id)
      throws (1: NotAliveException e, 2: AuthorizationException aze);
}
