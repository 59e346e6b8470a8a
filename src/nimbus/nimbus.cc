#include "nimbus/nimbus.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/config/config_loader.h"
#include "common/thrift/thrift_bytes.h"
#include "common/topology/topology_thrift.h"
#include "storm_types.h"
#include "sdk/config_json.h"
#include "sdk/topology_def.h"

namespace storm {

namespace {

int64_t RealUnixSecs() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The executors of every component (ackers included) as the layout has them.
std::map<std::string, int> ExecutorCounts(const TopologyLayout& layout) {
  std::map<std::string, int> out;
  for (const ExecutorDef& e : layout.executors()) {
    if (e.component != kSystemComponentId) ++out[e.component];
  }
  return out;
}

}  // namespace

Nimbus::Nimbus(NimbusOptions options)
    : options_(std::move(options)),
      start_secs_(options_.unix_secs ? options_.unix_secs() : RealUnixSecs()) {
  if (!options_.unix_secs) options_.unix_secs = RealUnixSecs;
  const std::string dir = options_.conf.getString(Config::kStormLocalDir) + "/nimbus";
  code_store_ = std::make_unique<CodeStore>(
      dir, options_.conf.getInt(Config::kNimbusMaxUploadBytes),
      options_.conf.getInt(Config::kNimbusFileCopyExpirationSecs), options_.clock);
}

Nimbus::~Nimbus() { Stop(); }

int64_t Nimbus::NowSecs() const { return options_.unix_secs(); }

void Nimbus::Start(int advertised_port) {
  if (advertised_port >= 0) options_.port = advertised_port;
  options_.state->SetNimbus(NimbusInfo{options_.host, options_.port, start_secs_, false, STORM_VERSION});
  election_ = std::make_unique<LeaderElection>(options_.state, host_port(), [this] { Poke(); });
  blobstore_listener_ = options_.state->storage().AddListener([this](const WatchEvent& event) {
    // New or removed code, or a new session (the watch is gone): sync now.
    if (event.type == WatchEvent::Type::kSessionRestored ||
        event.path.starts_with(ClusterState::kBlobstoreDir)) {
      {
        std::lock_guard<std::mutex> lock(monitor_mutex_);
        next_sync_nanos_ = 0;
      }
      Poke();
    }
  });
  spdlog::debug("nimbus: {} starting, {} topologies in the cluster state", host_port(),
                options_.state->ActiveStorms().size());
  // A lone Nimbus leads when Start returns; an unreachable ZooKeeper only
  // delays that to the monitor's next round.
  try {
    SyncCode();
    ElectionTurn();
  } catch (const StateStorageError& e) {
    spdlog::warn("nimbus: cannot join the leader election yet: {}", e.what());
  }
  if (options_.run_monitor_thread) monitor_ = std::thread([this] { MonitorLoop(); });
}

void Nimbus::Stop() {
  {
    std::lock_guard<std::mutex> lock(monitor_mutex_);
    stopping_ = true;
  }
  monitor_cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  if (blobstore_listener_ != 0) {
    options_.state->storage().RemoveListener(blobstore_listener_);
    blobstore_listener_ = 0;
  }
  std::unique_ptr<LeaderElection> election;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    election = std::move(election_);
    leader_ = false;
    writes_.reset();
  }
  election.reset();  // leaves the line: a follower takes over without waiting for our session
}

void Nimbus::Poke() {
  {
    std::lock_guard<std::mutex> lock(monitor_mutex_);
    poked_ = true;
  }
  monitor_cv_.notify_all();
}

void Nimbus::MonitorLoop() {
  const auto period = std::chrono::seconds(options_.conf.getInt(Config::kNimbusMonitorFreqSecs));
  const int64_t sync_period =
      options_.conf.getInt(Config::kNimbusCodeSyncFreqSecs) * 1'000'000'000;
  std::unique_lock<std::mutex> lock(monitor_mutex_);
  while (!stopping_) {
    monitor_cv_.wait_for(lock, period, [this] { return stopping_ || poked_; });
    if (stopping_) break;
    poked_ = false;
    const bool sync_due = options_.clock->NowNanos() >= next_sync_nanos_;
    if (sync_due) next_sync_nanos_ = options_.clock->NowNanos() + sync_period;
    lock.unlock();
    try {
      if (sync_due) SyncCode();
      // A leader acts on what it believes first: its writes are fenced, so a
      // leader that lost its session (paused, cut off) writes nothing, and
      // steps down when the write is refused or at the election turn.
      RunMonitorOnce();
      ElectionTurn();
    } catch (const std::exception& e) {
      spdlog::warn("nimbus: monitor round failed, trying again in {} s: {}", period.count(),
                   e.what());
    }
    lock.lock();
  }
}

// ---- Lookups ---------------------------------------------------------------------

Nimbus::Cached& Nimbus::Load(const std::string& id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  if (!code_store_->Has(id)) throw NotAliveError("topology " + id + " has no code on this Nimbus");
  auto thrift = ThriftFromBytes<gen::StormTopology>(code_store_->ReadTopology(id),
                                                    "the stored topology of " + id);
  nlohmann::json conf = nlohmann::json::parse(code_store_->ReadConf(id), nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) {
    throw StormError("the stored config of topology " + id + " is not a JSON object");
  }
  return cache_[id] = Cached{TopologyFromThrift(thrift), ConfigFromJson(std::move(conf))};
}

std::optional<std::string> Nimbus::IdOfName(const std::string& name) {
  for (const std::string& id : options_.state->ActiveStorms()) {
    auto base = options_.state->GetStormBase(id);
    if (base && base->name == name) return id;
  }
  return std::nullopt;
}

std::string Nimbus::FindId(const std::string& name) {
  auto id = IdOfName(name);
  if (!id) throw NotAliveError("topology '" + name + "' is not alive");
  return *id;
}

StormBase Nimbus::GetBase(const std::string& id) {
  // Ids come from clients: one that is not a node name names no topology
  // (asking the cluster state would fail as if ZooKeeper were unreachable).
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos) {
    throw NotAliveError("topology '" + id + "' is not alive");
  }
  auto base = options_.state->GetStormBase(id);
  if (!base) throw NotAliveError("topology " + id + " is not alive");
  return *base;
}

std::shared_ptr<const TopologyLayout> Nimbus::LayoutFor(const std::string& id,
                                                        const StormBase& base) {
  Cached& cached = Load(id);
  return BuildRunningLayout(id, cached.topology, cached.conf, base.component_executors);
}

std::shared_ptr<const TopologyLayout> Nimbus::Layout(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return LayoutFor(id, GetBase(id));
}

// ---- Submit ----------------------------------------------------------------------

std::string Nimbus::SubmitTopology(const std::string& name, const std::string& library_location,
                                   const Config& conf, const StormTopology& topology,
                                   bool start_active) {
  try {
    return Submit(name, library_location, conf, topology, start_active);
  } catch (const InvalidTopologyError&) {
    // A refused topology's library would wait in the inbox until it expired.
    if (!library_location.empty()) code_store_->DiscardUpload(library_location);
    throw;
  } catch (const AlreadyAliveError&) {
    if (!library_location.empty()) code_store_->DiscardUpload(library_location);
    throw;
  }
}

std::string Nimbus::Submit(const std::string& name, const std::string& library_location,
                           const Config& conf, const StormTopology& topology, bool start_active) {
  ValidateTopologyName(name);
  // A live name is reported before anything about the topology, as Storm
  // does; checked again below, under the lock that installs it.
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ThrowIfAlive(name);
  }
  Config merged = options_.conf;
  merged.merge(conf);
  merged.put(Config::kTopologyName, name);
  try {
    ValidateConfig(merged);
  } catch (const ConfigError& e) {
    throw InvalidTopologyError(e.what());
  }
  const int64_t workers = merged.getInt(Config::kTopologyWorkers);
  if (workers < 1) {
    throw InvalidTopologyError("topology.workers is " + std::to_string(workers) +
                               "; a topology needs at least 1 worker");
  }
  // The shape first (cheap), then the library (runs the user's main).
  std::shared_ptr<const TopologyLayout> layout;
  try {
    layout = TopologyLayout::Build(name, topology, merged);
  } catch (const ConfigError& e) {
    throw InvalidTopologyError(e.what());
  }
  if (library_location.empty()) {
    if (!options_.library_optional) {
      throw InvalidTopologyError("no topology library was uploaded for topology '" + name + "'");
    }
  } else {
    if (!code_store_->IsFinishedUpload(library_location)) {
      throw InvalidTopologyError("'" + library_location +
                                 "' is not a finished upload of a topology library");
    }
    if (options_.check_library) options_.check_library(library_location, name, merged, topology);
  }

  std::string id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    RequireLeader();
    ThrowIfAlive(name);
    const int64_t launch = NowSecs();
    do {
      id = name + "-" + std::to_string(++submit_counter_) + "-" + std::to_string(launch);
    } while (code_store_->Has(id) || options_.state->GetStormBase(id));
    code_store_->Install(id, library_location, ThriftToBytes(TopologyToThrift(topology)),
                         merged.toJson());
    cache_[id] = Cached{topology, merged};
    pending_submits_.insert(id);
    options_.state->AddCodeHolder(id, host_port());
  }
  // The other Nimbuses copy the code as it appears under /blobstore; no lock
  // is held meanwhile.
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  try {
    WaitForReplication(id, merged);
    lock.lock();
    pending_submits_.erase(id);
    RequireLeader();
    ThrowIfAlive(name);
    StormBase base;
    base.name = name;
    base.status = start_active ? TopologyStatus::kActive : TopologyStatus::kInactive;
    base.num_workers = static_cast<int>(workers);
    base.component_executors = ExecutorCounts(*layout);
    base.launch_time_secs = NowSecs();
    base.owner = merged.getString(Config::kTopologySubmitterUser, "");
    Writes().SetStormBase(id, base);
  } catch (...) {
    // Not submitted after all: the code goes, here and (by the key) everywhere.
    if (!lock.owns_lock()) lock.lock();
    pending_submits_.erase(id);
    code_store_->Remove(id);
    cache_.erase(id);
    try {
      options_.state->RemoveCodeKey(id);
    } catch (const StateStorageError& e) {
      spdlog::warn("nimbus: cannot remove the code key of {}: {}", id, e.what());
    }
    throw;
  }
  spdlog::info("nimbus: received topology {} as {} ({} workers, {} executors)", name, id, workers,
               layout->executors().size());
  MakeAssignments();
  return id;
}

void Nimbus::WaitForReplication(const std::string& id, const Config& conf) {
  const int64_t want = conf.getInt(Config::kTopologyMinReplicationCount);
  const int64_t max_wait = conf.getInt(Config::kTopologyMaxReplicationWaitTimeSec);
  const auto start = std::chrono::steady_clock::now();
  auto last_log = start;
  while (true) {
    const auto holders = static_cast<int64_t>(options_.state->CodeHolders(id).size());
    const auto waited = std::chrono::steady_clock::now() - start;
    if (holders >= want) {
      if (want > 1) {
        spdlog::info("nimbus: the code of {} is on {} Nimbuses (topology.min.replication.count {})",
                     id, holders, want);
      }
      return;
    }
    if (max_wait >= 0 && waited >= std::chrono::seconds(max_wait)) {
      spdlog::warn("nimbus: the code of {} is on {} of the {} Nimbuses wanted "
                   "(topology.min.replication.count) after {} s "
                   "(topology.max.replication.wait.time.sec); going on",
                   id, holders, want, max_wait);
      return;
    }
    if (std::chrono::steady_clock::now() - last_log >= std::chrono::seconds(5)) {
      last_log = std::chrono::steady_clock::now();
      spdlog::info("nimbus: waiting for the code of {} to reach {} Nimbuses ({} hold it)", id,
                   want, holders);
    }
    {
      std::unique_lock<std::mutex> lock(monitor_mutex_);
      if (stopping_) throw StormError("Nimbus is stopping");
      monitor_cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
    }
  }
}

void Nimbus::ThrowIfAlive(const std::string& name) {
  if (IdOfName(name)) {
    throw AlreadyAliveError("topology with name '" + name + "' already exists on cluster");
  }
}

// ---- Lifecycle ---------------------------------------------------------------------

void Nimbus::KillTopology(const std::string& name, std::optional<int> wait_secs) {
  std::lock_guard<std::mutex> lock(mutex_);
  RequireLeader();
  const std::string id = FindId(name);
  StormBase base = GetBase(id);
  const int wait = wait_secs.value_or(
      static_cast<int>(Load(id).conf.getInt(Config::kTopologyMessageTimeoutSecs)));
  if (wait < 0) throw InvalidTopologyError("kill wait time is negative: " + std::to_string(wait));
  base.status = TopologyStatus::kKilled;
  base.kill_wait_secs = wait;
  base.rebalance.reset();
  Writes().SetStormBase(id, base);
  action_deadline_nanos_[id] = options_.clock->NowNanos() + int64_t{wait} * 1'000'000'000;
  spdlog::info("nimbus: killing topology {} ({}), removing it in {} s", name, id, wait);
  FireDueActions();
}

void Nimbus::Transition(const std::string& name, TopologyStatus to) {
  std::lock_guard<std::mutex> lock(mutex_);
  RequireLeader();
  const std::string id = FindId(name);
  StormBase base = GetBase(id);
  if (base.status == to) return;
  if (base.status == TopologyStatus::kKilled || base.status == TopologyStatus::kRebalancing) {
    // As Storm: a killed or rebalancing topology ignores activate/deactivate.
    spdlog::info("nimbus: topology {} is {}; ignoring {}", name, TopologyStatusName(base.status),
                 to == TopologyStatus::kActive ? "activate" : "deactivate");
    return;
  }
  base.status = to;
  Writes().SetStormBase(id, base);
  spdlog::info("nimbus: topology {} is now {}", name, TopologyStatusName(to));
}

void Nimbus::Activate(const std::string& name) { Transition(name, TopologyStatus::kActive); }

void Nimbus::Deactivate(const std::string& name) { Transition(name, TopologyStatus::kInactive); }

void Nimbus::Rebalance(const std::string& name, const RebalanceRequest& request, bool wait_given) {
  std::lock_guard<std::mutex> lock(mutex_);
  RequireLeader();
  const std::string id = FindId(name);
  StormBase base = GetBase(id);
  if (base.status == TopologyStatus::kKilled) {
    throw NotAliveError("topology '" + name + "' is being killed");
  }
  if (request.num_workers && *request.num_workers < 1) {
    throw InvalidTopologyError("rebalance: the number of workers must be at least 1, not " +
                               std::to_string(*request.num_workers));
  }
  const StormTopology& topology = Load(id).topology;
  for (const auto& [component, executors] : request.num_executors) {
    const ComponentDef* def = FindComponent(topology, component);
    int tasks = def != nullptr ? def->taskCount() : 0;
    if (component == kAckerComponentId) {
      // The layout gives the acker one task per executor, and the acker's
      // tasks come first: a new count would renumber every task of the
      // topology under its running workers.
      auto it = base.component_executors.find(component);
      tasks = it == base.component_executors.end() ? 0 : it->second;
      if (tasks != 0 && executors != tasks) {
        throw InvalidTopologyError("rebalance: the acker executors (" +
                                   std::string(kAckerComponentId) + ", " + std::to_string(tasks) +
                                   ") are fixed at submit by topology.acker.executors");
      }
    }
    if (tasks == 0) {
      throw InvalidTopologyError("rebalance: topology '" + name + "' has no component '" +
                                 component + "'");
    }
    if (executors < 1 || executors > tasks) {
      throw InvalidTopologyError("rebalance: component '" + component + "' has " +
                                 std::to_string(tasks) + " tasks; its executors must be 1 to " +
                                 std::to_string(tasks) + ", not " + std::to_string(executors));
    }
  }
  RebalanceRequest req = request;
  if (!wait_given) {
    req.wait_secs = static_cast<int>(Load(id).conf.getInt(Config::kTopologyMessageTimeoutSecs));
  }
  if (req.wait_secs < 0) throw InvalidTopologyError("rebalance wait time is negative");
  if (base.status != TopologyStatus::kRebalancing) base.prev_status = base.status;
  base.status = TopologyStatus::kRebalancing;
  base.rebalance = req;
  Writes().SetStormBase(id, base);
  action_deadline_nanos_[id] = options_.clock->NowNanos() + int64_t{req.wait_secs} * 1'000'000'000;
  spdlog::info("nimbus: rebalancing topology {} in {} s", name, req.wait_secs);
  FireDueActions();
}

// ---- Queries -------------------------------------------------------------------------

ClusterSummaryInfo Nimbus::GetClusterInfo() {
  std::lock_guard<std::mutex> lock(mutex_);
  ClusterSummaryInfo out;
  std::map<WorkerSlot, int> used;
  for (const std::string& id : options_.state->ActiveStorms()) {
    auto base = options_.state->GetStormBase(id);
    if (!base) continue;
    auto assignment = options_.state->GetAssignment(id);
    TopologySummaryInfo t;
    t.id = id;
    t.name = base->name;
    t.status = TopologyStatusName(base->status);
    t.uptime_secs = std::max<int64_t>(0, NowSecs() - base->launch_time_secs);
    t.owner = base->owner;
    std::set<WorkerSlot> slots;
    if (assignment) {
      for (const auto& [e, slot] : assignment->executor_slot) slots.insert(slot);
    }
    // Executors and tasks as the topology has them, assigned or not yet.
    try {
      // The layout in a variable: a range-for over a member of a temporary
      // would outlive the temporary (C++20), reading freed memory.
      const auto layout = LayoutFor(id, *base);
      for (const ExecutorDef& e : layout->executors()) {
        ++t.num_executors;
        t.num_tasks += e.last_task - e.first_task + 1;
      }
    } catch (const std::exception& e) {
      spdlog::warn("nimbus: cannot read topology {}: {}", id, e.what());
    }
    for (const auto& s : slots) ++used[s];
    t.num_workers = static_cast<int>(slots.size());
    out.topologies.push_back(std::move(t));
  }
  for (const std::string& sid : options_.state->SupervisorIds()) {
    auto info = options_.state->GetSupervisor(sid);
    if (!info) continue;
    SupervisorSummaryInfo s{*info, 0};
    for (int port : info->slots) s.num_used_workers += used.count(WorkerSlot{sid, port}) ? 1 : 0;
    out.supervisors.push_back(std::move(s));
  }
  out.nimbuses = options_.state->Nimbuses();
  return out;
}

TopologyDetails Nimbus::GetTopologyInfo(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return ReadSnapshot(id).details;
}

Nimbus::Snapshot Nimbus::ReadSnapshot(const std::string& id) {
  Snapshot s;
  s.base = GetBase(id);
  s.layout = LayoutFor(id, s.base);
  TopologyDetails& out = s.details;
  out.summary.id = id;
  out.summary.name = s.base.name;
  out.summary.status = TopologyStatusName(s.base.status);
  out.summary.uptime_secs = std::max<int64_t>(0, NowSecs() - s.base.launch_time_secs);
  out.summary.owner = s.base.owner;
  for (auto& [slot, hb] : options_.state->WorkerHeartbeats(id)) s.beats[slot] = std::move(hb);
  if (auto assignment = options_.state->GetAssignment(id)) s.assignment = std::move(*assignment);
  std::set<WorkerSlot> slots;
  for (const auto& [e, slot] : s.assignment.executor_slot) {
    ExecutorSummaryInfo ex;
    ex.executor = e;
    const std::string* component = s.layout->ComponentOfTask(e.first);
    ex.component = component ? *component : "?";
    auto host = s.assignment.node_host.find(slot.node);
    ex.host = host == s.assignment.node_host.end() ? slot.node : host->second;
    ex.port = slot.port;
    auto start = s.assignment.executor_start_time_secs.find(e);
    if (start != s.assignment.executor_start_time_secs.end()) {
      ex.uptime_secs = std::max<int64_t>(0, NowSecs() - start->second);
    }
    auto hb = s.beats.find(slot);
    if (hb != s.beats.end()) {
      auto stats = hb->second.executor_stats.find(e);
      if (stats != hb->second.executor_stats.end()) ex.stats = stats->second;
    }
    slots.insert(slot);
    out.summary.num_tasks += e.second - e.first + 1;
    out.executors.push_back(std::move(ex));
  }
  out.summary.num_executors = static_cast<int>(out.executors.size());
  out.summary.num_workers = static_cast<int>(slots.size());
  for (const std::string& component : s.layout->ComponentIds()) {
    auto errors = options_.state->Errors(id, component);
    if (!errors.empty()) out.errors[component] = std::move(errors);
  }
  return s;
}

StormTopology Nimbus::GetUserTopology(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  GetBase(id);
  return Load(id).topology;
}

StormTopology Nimbus::GetTopology(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  return LayoutFor(id, GetBase(id))->topology();
}

Config Nimbus::GetTopologyConf(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  GetBase(id);
  return Load(id).conf;
}

}  // namespace storm
