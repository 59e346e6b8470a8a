#include "common/state/cluster_state.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "common/state/cluster_thrift.h"
#include "common/thrift/thrift_bytes.h"

namespace storm {

const char* TopologyStatusName(TopologyStatus status) {
  switch (status) {
    case TopologyStatus::kActive: return "ACTIVE";
    case TopologyStatus::kInactive: return "INACTIVE";
    case TopologyStatus::kRebalancing: return "REBALANCING";
    case TopologyStatus::kKilled: return "KILLED";
  }
  return "UNKNOWN";
}

namespace {

constexpr const char* kStorms = "/storms";
constexpr const char* kAssignments = "/assignments";
constexpr const char* kSupervisors = "/supervisors";
constexpr const char* kWorkerBeats = "/workerbeats";
constexpr const char* kErrors = "/errors";
constexpr const char* kNimbuses = "/nimbuses";
constexpr const char* kLogConfigs = "/logconfigs";
constexpr const char* kLeaderLock = "/leader-lock";
constexpr const char* kBlobstore = ClusterState::kBlobstoreDir;
constexpr const char* kLatch = "-latch-";
// Our code under an id never changes: every holder has version 1.
constexpr const char* kCodeVersionSuffix = "-1";

std::string Path(const char* dir, const std::string& name) { return std::string(dir) + "/" + name; }

std::string SlotName(const WorkerSlot& slot) {
  return slot.node + "-" + std::to_string(slot.port);
}

// "<supervisor-id>-<port>": the id may itself hold dashes, the port may not.
std::optional<WorkerSlot> ParseSlotName(const std::string& name) {
  const size_t dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0) return std::nullopt;
  int port = 0;
  const char* begin = name.data() + dash + 1;
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return WorkerSlot{name.substr(0, dash), port};
}

// Reads a node and decodes it; a node that does not decode is logged and
// treated as missing.
template <class T>
std::optional<T> ReadThrift(StateStorage& storage, const std::string& path, bool watch) {
  std::optional<std::string> bytes = storage.Get(path, watch);
  if (!bytes) return std::nullopt;
  try {
    return ThriftFromBytes<T>(*bytes, "ZooKeeper node " + path);
  } catch (const SerializationError& e) {
    spdlog::error("{}; ignoring it", e.what());
    return std::nullopt;
  }
}

// ---- Conversions between the domain types and storm.thrift ------------------

gen::TopologyStatus::type StatusToThrift(TopologyStatus s) {
  switch (s) {
    case TopologyStatus::kActive: return gen::TopologyStatus::ACTIVE;
    case TopologyStatus::kInactive: return gen::TopologyStatus::INACTIVE;
    case TopologyStatus::kRebalancing: return gen::TopologyStatus::REBALANCING;
    case TopologyStatus::kKilled: return gen::TopologyStatus::KILLED;
  }
  return gen::TopologyStatus::ACTIVE;
}

TopologyStatus StatusFromThrift(gen::TopologyStatus::type s) {
  switch (s) {
    case gen::TopologyStatus::INACTIVE: return TopologyStatus::kInactive;
    case gen::TopologyStatus::REBALANCING: return TopologyStatus::kRebalancing;
    case gen::TopologyStatus::KILLED: return TopologyStatus::kKilled;
    default: return TopologyStatus::kActive;
  }
}

}  // namespace

gen::StormBase BaseToThrift(const StormBase& b) {
  gen::StormBase t;
  t.name = b.name;
  t.status = StatusToThrift(b.status);
  t.num_workers = b.num_workers;
  t.__set_component_executors(b.component_executors);
  t.__set_launch_time_secs(static_cast<int32_t>(b.launch_time_secs));
  if (!b.owner.empty()) t.__set_owner(b.owner);
  if (b.prev_status) t.__set_prev_status(StatusToThrift(*b.prev_status));
  if (!b.component_debug.empty()) {
    std::map<std::string, gen::DebugOptions> debug;
    for (const auto& [component, d] : b.component_debug) {
      debug[component].__set_enable(d.enable);
      debug[component].__set_samplingpct(d.sampling_pct);
    }
    t.__set_component_debug(std::move(debug));
  }
  if (b.kill_wait_secs) {
    gen::KillOptions kill;
    kill.__set_wait_secs(*b.kill_wait_secs);
    gen::TopologyActionOptions action;
    action.__set_kill_options(kill);
    t.__set_topology_action_options(action);
  } else if (b.rebalance) {
    gen::RebalanceOptions reb;
    reb.__set_wait_secs(b.rebalance->wait_secs);
    if (b.rebalance->num_workers) reb.__set_num_workers(*b.rebalance->num_workers);
    if (!b.rebalance->num_executors.empty()) reb.__set_num_executors(b.rebalance->num_executors);
    gen::TopologyActionOptions action;
    action.__set_rebalance_options(reb);
    t.__set_topology_action_options(action);
  }
  return t;
}

StormBase BaseFromThrift(const gen::StormBase& t) {
  StormBase b;
  b.name = t.name;
  b.status = StatusFromThrift(t.status);
  b.num_workers = t.num_workers;
  b.component_executors = t.component_executors;
  b.launch_time_secs = t.launch_time_secs;
  b.owner = t.owner;
  if (t.__isset.prev_status) b.prev_status = StatusFromThrift(t.prev_status);
  for (const auto& [component, d] : t.component_debug) {
    b.component_debug[component] = DebugOptions{d.enable, d.samplingpct};
  }
  if (t.__isset.topology_action_options) {
    const auto& action = t.topology_action_options;
    if (action.__isset.kill_options) {
      b.kill_wait_secs = action.kill_options.__isset.wait_secs ? action.kill_options.wait_secs : 0;
    } else if (action.__isset.rebalance_options) {
      const auto& reb = action.rebalance_options;
      RebalanceRequest r;
      r.wait_secs = reb.__isset.wait_secs ? reb.wait_secs : 0;
      if (reb.__isset.num_workers) r.num_workers = reb.num_workers;
      r.num_executors = reb.num_executors;
      b.rebalance = r;
    }
  }
  return b;
}

std::vector<int64_t> ExecutorKey(const ExecutorId& e) { return {e.first, e.second}; }

std::optional<ExecutorId> ExecutorFromKey(const std::vector<int64_t>& key) {
  if (key.size() != 2) return std::nullopt;
  return ExecutorId{static_cast<int>(key[0]), static_cast<int>(key[1])};
}

gen::NodeInfo SlotToThrift(const WorkerSlot& slot) {
  gen::NodeInfo n;
  n.node = slot.node;
  n.port = {slot.port};
  return n;
}

gen::Assignment AssignmentToThrift(const Assignment& a) {
  gen::Assignment t;
  t.master_code_dir = a.master_code_dir;
  t.__set_node_host(a.node_host);
  std::map<std::vector<int64_t>, gen::NodeInfo> slots;
  for (const auto& [e, slot] : a.executor_slot) slots[ExecutorKey(e)] = SlotToThrift(slot);
  t.__set_executor_node_port(slots);
  std::map<std::vector<int64_t>, int64_t> starts;
  for (const auto& [e, secs] : a.executor_start_time_secs) starts[ExecutorKey(e)] = secs;
  t.__set_executor_start_time_secs(starts);
  return t;
}

Assignment AssignmentFromThrift(const gen::Assignment& t) {
  Assignment a;
  a.master_code_dir = t.master_code_dir;
  a.node_host = t.node_host;
  for (const auto& [key, node] : t.executor_node_port) {
    auto e = ExecutorFromKey(key);
    if (!e || node.port.empty()) continue;
    a.executor_slot[*e] = WorkerSlot{node.node, static_cast<int>(*node.port.begin())};
  }
  for (const auto& [key, secs] : t.executor_start_time_secs) {
    if (auto e = ExecutorFromKey(key)) a.executor_start_time_secs[*e] = secs;
  }
  return a;
}

namespace {

gen::SupervisorInfo SupervisorToThrift(const SupervisorInfo& s) {
  gen::SupervisorInfo t;
  t.time_secs = s.time_secs;
  t.hostname = s.hostname;
  t.__set_assignment_id(s.id);
  t.__set_used_ports(std::vector<int64_t>(s.used_ports.begin(), s.used_ports.end()));
  t.__set_meta(std::vector<int64_t>(s.slots.begin(), s.slots.end()));
  t.__set_uptime_secs(s.uptime_secs);
  t.__set_version(s.version);
  return t;
}

SupervisorInfo SupervisorFromThrift(const std::string& id, const gen::SupervisorInfo& t) {
  SupervisorInfo s;
  s.id = id;
  s.hostname = t.hostname;
  s.time_secs = t.time_secs;
  s.uptime_secs = t.uptime_secs;
  for (int64_t p : t.meta) s.slots.push_back(static_cast<int>(p));
  for (int64_t p : t.used_ports) s.used_ports.push_back(static_cast<int>(p));
  s.version = t.version;
  return s;
}

}  // namespace

ClusterState::ClusterState(std::shared_ptr<StateStorage> storage) : storage_(std::move(storage)) {}

std::shared_ptr<ClusterState> ClusterState::Guarded(const std::string& guard) const {
  auto out = std::make_shared<ClusterState>(storage_);
  out->guard_ = guard;
  return out;
}

void ClusterState::Write(const std::string& path, const std::string& data) {
  if (guard_.empty()) {
    storage_->Set(path, data);
  } else {
    storage_->SetGuarded(guard_, path, data);
  }
}

void ClusterState::Delete(const std::string& path) {
  if (guard_.empty()) {
    storage_->DeleteRecursive(path);
  } else {
    storage_->DeleteGuarded(guard_, path);
  }
}

// ---- /storms -----------------------------------------------------------------

std::vector<std::string> ClusterState::ActiveStorms(bool watch) {
  return storage_->Children(kStorms, watch);
}

std::optional<StormBase> ClusterState::GetStormBase(const std::string& id, bool watch) {
  auto t = ReadThrift<gen::StormBase>(*storage_, Path(kStorms, id), watch);
  if (!t) return std::nullopt;
  return BaseFromThrift(*t);
}

void ClusterState::SetStormBase(const std::string& id, const StormBase& base) {
  Write(Path(kStorms, id), ThriftToBytes(BaseToThrift(base)));
}

void ClusterState::RemoveStormBase(const std::string& id) {
  Delete(Path(kStorms, id));
}

// ---- /assignments --------------------------------------------------------------

std::vector<std::string> ClusterState::AssignmentIds(bool watch) {
  return storage_->Children(kAssignments, watch);
}

std::optional<Assignment> ClusterState::GetAssignment(const std::string& id, bool watch) {
  auto t = ReadThrift<gen::Assignment>(*storage_, Path(kAssignments, id), watch);
  if (!t) return std::nullopt;
  return AssignmentFromThrift(*t);
}

void ClusterState::SetAssignment(const std::string& id, const Assignment& assignment) {
  Write(Path(kAssignments, id), ThriftToBytes(AssignmentToThrift(assignment)));
}

void ClusterState::RemoveAssignment(const std::string& id) {
  Delete(Path(kAssignments, id));
}

// ---- /supervisors --------------------------------------------------------------

std::vector<std::string> ClusterState::SupervisorIds(bool watch) {
  return storage_->Children(kSupervisors, watch);
}

std::optional<SupervisorInfo> ClusterState::GetSupervisor(const std::string& id) {
  auto t = ReadThrift<gen::SupervisorInfo>(*storage_, Path(kSupervisors, id), false);
  if (!t) return std::nullopt;
  return SupervisorFromThrift(id, *t);
}

void ClusterState::SetSupervisor(const SupervisorInfo& info) {
  storage_->Set(Path(kSupervisors, info.id), ThriftToBytes(SupervisorToThrift(info)),
                NodeMode::kEphemeral);
}

void ClusterState::RemoveSupervisor(const std::string& id) {
  storage_->DeleteRecursive(Path(kSupervisors, id));
}

// ---- /workerbeats --------------------------------------------------------------

std::vector<std::string> ClusterState::HeartbeatTopologies() {
  return storage_->Children(kWorkerBeats);
}

void ClusterState::SetWorkerHeartbeat(const std::string& id, const WorkerSlot& slot,
                                      const WorkerHeartbeat& heartbeat) {
  storage_->Set(Path(kWorkerBeats, id) + "/" + SlotName(slot),
                ThriftToBytes(WorkerHeartbeatToThrift(heartbeat)));
}

std::optional<WorkerHeartbeat> ClusterState::GetWorkerHeartbeat(const std::string& id,
                                                                const WorkerSlot& slot) {
  auto t = ReadThrift<gen::ClusterWorkerHeartbeat>(
      *storage_, Path(kWorkerBeats, id) + "/" + SlotName(slot), false);
  if (!t) return std::nullopt;
  return WorkerHeartbeatFromThrift(*t);
}

std::vector<std::pair<WorkerSlot, WorkerHeartbeat>> ClusterState::WorkerHeartbeats(
    const std::string& id) {
  std::vector<std::pair<WorkerSlot, WorkerHeartbeat>> out;
  for (const std::string& name : storage_->Children(Path(kWorkerBeats, id))) {
    auto slot = ParseSlotName(name);
    if (!slot) continue;
    if (auto hb = GetWorkerHeartbeat(id, *slot)) out.emplace_back(*slot, std::move(*hb));
  }
  return out;
}

void ClusterState::RemoveWorkerHeartbeat(const std::string& id, const WorkerSlot& slot) {
  storage_->DeleteRecursive(Path(kWorkerBeats, id) + "/" + SlotName(slot));
}

void ClusterState::RemoveWorkerHeartbeats(const std::string& id) {
  storage_->DeleteRecursive(Path(kWorkerBeats, id));
}

// ---- /errors -------------------------------------------------------------------

std::vector<std::string> ClusterState::ErrorTopologies() { return storage_->Children(kErrors); }

void ClusterState::ReportError(const std::string& id, const std::string& component,
                               const ErrorRecordInfo& error) {
  gen::ErrorInfo t;
  t.error = error.error;
  t.error_time_secs = static_cast<int32_t>(error.time_secs);
  t.__set_host(error.host);
  t.__set_port(error.port);
  const std::string dir = Path(kErrors, id) + "/" + component;
  storage_->CreateSequential(dir + "/e", ThriftToBytes(t));
  // Keep the newest kMaxErrors (sequence numbers sort as names).
  std::vector<std::string> children = storage_->Children(dir);
  for (size_t i = 0; i + kMaxErrors < children.size(); ++i) {
    storage_->DeleteRecursive(dir + "/" + children[i]);
  }
}

std::vector<ErrorRecordInfo> ClusterState::Errors(const std::string& id,
                                                  const std::string& component) {
  std::vector<ErrorRecordInfo> out;
  const std::string dir = Path(kErrors, id) + "/" + component;
  for (const std::string& name : storage_->Children(dir)) {
    auto t = ReadThrift<gen::ErrorInfo>(*storage_, dir + "/" + name, false);
    if (!t) continue;
    out.push_back(ErrorRecordInfo{t->error, t->error_time_secs, t->host, t->port});
  }
  return out;
}

void ClusterState::RemoveErrors(const std::string& id) {
  storage_->DeleteRecursive(Path(kErrors, id));
}

// ---- /nimbuses -----------------------------------------------------------------

void ClusterState::SetNimbus(const NimbusInfo& info) {
  gen::NimbusSummary t;
  t.host = info.host;
  t.port = info.port;
  t.uptime_secs = static_cast<int32_t>(info.start_time_secs);  // start time; readers subtract
  t.isLeader = info.is_leader;
  t.version = info.version;
  storage_->Set(Path(kNimbuses, info.host + ":" + std::to_string(info.port)), ThriftToBytes(t),
                NodeMode::kEphemeral);
}

std::vector<NimbusInfo> ClusterState::Nimbuses() {
  const std::optional<NimbusInfo> leader = Leader();
  std::vector<NimbusInfo> out;
  for (const std::string& name : storage_->Children(kNimbuses)) {
    auto t = ReadThrift<gen::NimbusSummary>(*storage_, Path(kNimbuses, name), false);
    if (!t) continue;
    const bool is_leader = leader && leader->host == t->host && leader->port == t->port;
    out.push_back(NimbusInfo{t->host, t->port, t->uptime_secs, is_leader, t->version});
  }
  return out;
}

std::optional<NimbusInfo> ClusterState::Leader() {
  const std::vector<LeaderCandidate> candidates = LeaderCandidates();
  if (candidates.empty()) return std::nullopt;
  auto t = ReadThrift<gen::NimbusSummary>(*storage_, Path(kNimbuses, candidates[0].host_port),
                                          false);
  if (!t || !t->isLeader) return std::nullopt;
  return NimbusInfo{t->host, t->port, t->uptime_secs, true, t->version};
}

// ---- /leader-lock ---------------------------------------------------------------

std::string ClusterState::LeaderLockPath(const std::string& node) { return Path(kLeaderLock, node); }

std::string ClusterState::JoinLeaderLock(const std::string& nonce, const std::string& host_port) {
  return storage_->CreateEphemeralSequential(Path(kLeaderLock, nonce + kLatch), host_port);
}

std::vector<LeaderCandidate> ClusterState::LeaderCandidates(bool watch) {
  std::vector<std::pair<std::string, std::string>> by_sequence;  // sequence, name
  for (const std::string& name : storage_->Children(kLeaderLock, watch)) {
    const size_t latch = name.rfind(kLatch);
    if (latch == std::string::npos) continue;
    by_sequence.emplace_back(name.substr(latch + std::string_view(kLatch).size()), name);
  }
  std::sort(by_sequence.begin(), by_sequence.end());
  std::vector<LeaderCandidate> out;
  for (const auto& [sequence, name] : by_sequence) {
    std::optional<std::string> host_port = storage_->Get(Path(kLeaderLock, name));
    if (!host_port) continue;  // gone meanwhile
    out.push_back(LeaderCandidate{name, *host_port});
  }
  return out;
}

// ---- /blobstore -------------------------------------------------------------------

std::vector<std::string> ClusterState::CodeKeys(bool watch) {
  return storage_->Children(kBlobstore, watch);
}

std::vector<std::string> ClusterState::CodeHolders(const std::string& id, bool watch) {
  std::vector<std::string> out;
  const std::string_view suffix = kCodeVersionSuffix;
  for (const std::string& name : storage_->Children(Path(kBlobstore, id), watch)) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      out.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  return out;
}

void ClusterState::AddCodeHolder(const std::string& id, const std::string& host_port) {
  storage_->Set(Path(kBlobstore, id) + "/" + host_port + kCodeVersionSuffix, "",
                NodeMode::kEphemeral);
}

void ClusterState::RemoveCodeHolder(const std::string& id, const std::string& host_port) {
  storage_->DeleteRecursive(Path(kBlobstore, id) + "/" + host_port + kCodeVersionSuffix);
}

void ClusterState::RemoveCodeKey(const std::string& id) {
  // A key has children (its holders): no single guarded delete removes it.
  // The guard is checked first, which shuts out a leader that lost its
  // session long ago, though not one that loses it in between.
  if (!guard_.empty() && !storage_->Exists(guard_)) {
    throw GuardLostError("delete " + Path(kBlobstore, id) + ": guard " + guard_ + " is gone");
  }
  storage_->DeleteRecursive(Path(kBlobstore, id));
}

// ---- /logconfigs ---------------------------------------------------------------

std::optional<LogConfig> ClusterState::GetLogConfig(const std::string& id, bool watch) {
  auto t = ReadThrift<gen::LogConfig>(*storage_, Path(kLogConfigs, id), watch);
  if (!t) return std::nullopt;
  LogConfig out;
  for (const auto& [logger, level] : t->named_logger_level) {
    if (level.action != gen::LogLevelAction::UPDATE) continue;
    LoggerLevel l;
    l.target_level = level.target_log_level;
    l.reset_timeout_epoch_secs = level.reset_log_level_timeout_epoch;
    if (level.__isset.reset_log_level && !level.reset_log_level.empty()) {
      l.reset_level = level.reset_log_level;
    }
    out.loggers[logger] = std::move(l);
  }
  return out;
}

gen::LogConfig LogConfigToThrift(const LogConfig& config) {
  gen::LogConfig t;
  std::map<std::string, gen::LogLevel> levels;
  for (const auto& [logger, l] : config.loggers) {
    gen::LogLevel level;
    level.action = gen::LogLevelAction::UPDATE;
    level.__set_target_log_level(l.target_level);
    level.__set_reset_log_level_timeout_epoch(l.reset_timeout_epoch_secs);
    level.__set_reset_log_level(l.reset_level);
    levels[logger] = std::move(level);
  }
  t.__set_named_logger_level(std::move(levels));
  return t;
}

void ClusterState::SetLogConfig(const std::string& id, const LogConfig& config) {
  Write(Path(kLogConfigs, id), ThriftToBytes(LogConfigToThrift(config)));
}

void ClusterState::RemoveLogConfig(const std::string& id) {
  Delete(Path(kLogConfigs, id));
}

void ClusterState::RemoveTopology(const std::string& id) {
  RemoveLogConfig(id);
  RemoveAssignment(id);
  RemoveWorkerHeartbeats(id);
  RemoveErrors(id);
  RemoveStormBase(id);
}

}  // namespace storm
