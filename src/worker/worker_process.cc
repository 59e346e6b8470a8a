#include "worker/worker_process.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/util/threads.h"
#include "common/thrift/thrift_bytes.h"
#include "common/config/daemon.h"  // LocalHostName
#include "common/topology/code_dir.h"
#include "storm/errors.h"
#include "storm_types.h"
#include "worker/process_stats.h"
#include "sdk/topology_def.h"

namespace storm {

namespace fs = std::filesystem;

namespace {


// The executors assigned to `slot`, sorted.
std::vector<ExecutorId> ExecutorsOf(const Assignment& assignment, const WorkerSlot& slot) {
  std::vector<ExecutorId> out;
  for (const auto& [executor, where] : assignment.executor_slot) {
    if (where == slot) out.push_back(executor);
  }
  return out;  // sorted: the map is
}

// The library gives what stormcode.ser cannot hold: each component's factory.
// The shape stays the stored one, which Nimbus laid out the tasks by.
void AttachFactories(StormTopology& stored, const StormTopology& built, const std::string& name) {
  for (auto& [id, def] : TopologyComponents(stored)) {
    const ComponentDef* from = FindComponent(built, id);
    if (from == nullptr || from->is_spout != def.is_spout) {
      throw StormError("the topology library builds a topology '" + name + "' without the " +
                       (def.is_spout ? "spout '" : "bolt '") + id +
                       "' that was submitted (is it another version of the library?)");
    }
    def.spout_factory = from->spout_factory;
    def.bolt_factory = from->bolt_factory;
  }
}

}  // namespace

const char* WorkerExitName(WorkerExit exit) {
  switch (exit) {
    case WorkerExit::kStopped:
      return "told to stop";
    case WorkerExit::kTopologyGone:
      return "the topology is gone";
    case WorkerExit::kUnassigned:
      return "its slot is no longer assigned";
    case WorkerExit::kReassigned:
      return "its executors were reassigned";
  }
  return "?";
}

WorkerProcess::WorkerProcess(WorkerProcessOptions options)
    : options_(std::move(options)),
      slot_{options_.supervisor_id, options_.port},
      local_(LocalState::FromConfig(options_.conf)),
      events_(std::make_unique<EventLog>(
          (std::filesystem::path(local_.WorkerLogDir(options_.topology_id, options_.port)) /
           "events.log")
              .string(),
          static_cast<size_t>(options_.conf.getInt(Config::kWorkerLogRotationSizeMb)) << 20,
          static_cast<size_t>(options_.conf.getInt(Config::kWorkerLogRotationFiles)))) {}

WorkerProcess::~WorkerProcess() { Shutdown(); }

bool WorkerProcess::Start() {
  const std::string& id = options_.topology_id;
  start_secs_ = UnixSecs();
  // The supervisor's copy of the topology's state first: it launched this
  // worker from it a moment ago, and it needs no ZooKeeper (a worker
  // restarted during an outage). Sync() reads ZooKeeper from then on.
  std::optional<StormBase> base;
  std::optional<Assignment> assignment;
  if (auto copy = local_.ReadTopologyCopy(id)) {
    base = std::move(copy->base);
    assignment = std::move(copy->assignment);
  } else {
    base = options_.state->GetStormBase(id, /*watch=*/true);
    assignment = options_.state->GetAssignment(id, /*watch=*/true);
  }
  if (!base || !assignment) {
    spdlog::warn("worker: topology {} is not alive (no {}); nothing to run", id,
                 base ? "assignment" : "StormBase");
    return false;
  }
  executors_ = ExecutorsOf(*assignment, slot_);
  if (executors_.empty()) {
    spdlog::warn("worker: no executor of {} is assigned to {}:{}; nothing to run", id,
                 slot_.node, slot_.port);
    return false;
  }
  LoadCode(*base);
  MakeWorker(*assignment);
  active_ = base->status == TopologyStatus::kActive;
  worker_->SetActive(active_);
  debug_ = base->component_debug;
  worker_->SetDebug(debug_);

  const std::string storms_path = "/storms/" + id;
  const std::string assignment_path = "/assignments/" + id;
  listener_id_ = options_.state->storage().AddListener([=, this](const WatchEvent& event) {
    if (event.type == WatchEvent::Type::kSessionRestored || event.path == storms_path ||
        event.path == assignment_path) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_ = true;
      cv_.notify_all();
    }
  });
  worker_->Start();  // binds the port: throws when it cannot
  started_ = true;
  WriteLocalHeartbeat();
  local_heartbeat_thread_ = std::thread([this] { LocalHeartbeatThread(); });
  spdlog::info("worker: running {} executors of {} at {} ({})", executors_.size(), id,
               worker_->spec().endpoint, active_ ? "active" : "inactive");
  return true;
}

void WorkerProcess::MakeWorker(const Assignment& assignment) {
  std::vector<ExecutorDef> mine;
  for (const ExecutorDef& e : layout_->executors()) {
    if (std::binary_search(executors_.begin(), executors_.end(),
                           ExecutorId{e.first_task, e.last_task})) {
      mine.push_back(e);
    }
  }
  if (mine.size() != executors_.size()) {
    throw StormError("the assignment of " + options_.topology_id +
                     " gives this worker executors its layout does not have (does the code "
                     "differ from what Nimbus has?)");
  }
  const std::string endpoint = Endpoint(assignment, slot_);
  host_ = endpoint.substr(0, endpoint.rfind(':'));
  endpoint_of_task_ = EndpointOfTask(assignment);

  WorkerSpec spec;
  spec.layout = layout_;
  spec.endpoint = endpoint;
  spec.port = options_.port;
  spec.executors = std::move(mine);
  spec.endpoint_of_task = endpoint_of_task_;
  spec.events = events_.get();
  TcpTransportOptions transport;
  transport.topology_id = options_.topology_id;
  transport.local_endpoint = endpoint;
  transport_ = options_.make_transport(transport);
  factory_ = std::make_unique<TopologyComponentFactory>(layout_);
  worker_ = std::make_unique<Worker>(std::move(spec), transport_.get(), options_.clock,
                                     factory_.get());
  stats_reporter_ = std::make_unique<ExecutorStatsReporter>(*layout_);
}

void WorkerProcess::LoadCode(const StormBase& base) {
  const std::string& id = options_.topology_id;
  const fs::path dir = local_.CodeDir(id);
  Config conf = ReadCodeDirConf(dir.string());
  StormTopology topology = ReadCodeDirTopology(dir.string());

  library_ = TopologyLibrary::Load((dir / CodeDir::kLibraryFile).string());
  const std::vector<std::string> args = conf.getStringList(Config::kTopologyCppMainArgs, {});
  bool found = false;
  for (const Submission& s : library_->Run(args)) {
    if (s.name != base.name) continue;
    AttachFactories(topology, s.topology, base.name);
    found = true;
    break;
  }
  if (!found) {
    throw StormError("the topology library " + library_->path() +
                     " did not submit a topology named '" + base.name + "' (main args: " +
                     nlohmann::json(args).dump() + ")");
  }
  layout_ = BuildRunningLayout(id, topology, conf, base.component_executors);
}

std::string WorkerProcess::Endpoint(const Assignment& assignment, const WorkerSlot& slot) const {
  auto host = assignment.node_host.find(slot.node);
  if (host != assignment.node_host.end()) return host->second + ":" + std::to_string(slot.port);
  if (slot == slot_) {
    // Nimbus always names the host of a node it assigns to; if it did not,
    // this host's own name is the best guess for the others to reach.
    spdlog::warn("worker: the assignment names no host for supervisor {}; using {}", slot.node,
                 LocalHostName(options_.conf));
    return LocalHostName(options_.conf) + ":" + std::to_string(slot.port);
  }
  return "";
}

// From the assignment itself, not from the layout's executors: after a
// rebalance of other components their executors are ranges this worker's
// layout does not know, but each task still names its slot.
std::vector<std::string> WorkerProcess::EndpointOfTask(const Assignment& assignment) const {
  std::vector<std::string> out(static_cast<size_t>(layout_->max_task()) + 1);
  for (const auto& [executor, slot] : assignment.executor_slot) {
    const std::string endpoint = Endpoint(assignment, slot);
    for (int t = std::max(executor.first, 1); t <= executor.second && t <= layout_->max_task();
         ++t) {
      out[static_cast<size_t>(t)] = endpoint;
    }
  }
  return out;
}

WorkerExit WorkerProcess::Run() {
  using Clock = std::chrono::steady_clock;
  WorkerExit exit = WorkerExit::kStopped;
  auto next_sync = Clock::now();
  auto next_beat = Clock::now();
  const auto started = Clock::now();
  constexpr auto kConnectGrace = std::chrono::seconds(5);
  for (;;) {
    bool woken = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_until(lock, std::min(next_sync, next_beat),
                     [this] { return wake_ || stop_requested_; });
      if (stop_requested_) break;
      woken = wake_;
      wake_ = false;
    }
    const auto now = Clock::now();
    // Without ZooKeeper the worker goes on processing as it is: the sync and
    // the heartbeats wait for its return (a call now would wait out the
    // retries); errors are kept and reported then.
    // (It connects in the background: not connected yet at start is no
    // outage unless it lasts.)
    const bool connected = options_.state->storage().Connected();
    if (connected) {
      if (!ever_connected_ || zookeeper_lost_) woken = true;  // sync at once
      if (std::exchange(zookeeper_lost_, false)) {
        spdlog::info("worker: ZooKeeper is back; heartbeats and error reports resume");
      }
      ever_connected_ = true;
    } else if (!zookeeper_lost_ && (ever_connected_ || now - started >= kConnectGrace)) {
      zookeeper_lost_ = true;
      spdlog::warn("worker: ZooKeeper is unreachable; processing goes on, heartbeats and "
                   "error reports wait until it returns");
    }
    if (connected && (woken || now >= next_sync)) {
      next_sync = now + options_.sync_interval;
      try {
        if (auto ended = Sync()) {
          exit = *ended;
          break;
        }
      } catch (const std::exception& e) {
        spdlog::error("worker: cannot read the state of {}: {}", options_.topology_id, e.what());
      }
    }
    if (now >= next_beat) {
      next_beat = now + options_.heartbeat_interval;
      if (connected) {
        try {
          HeartbeatToCluster();
          ReportNewErrors();
          cluster_heartbeats_.fetch_add(1);
        } catch (const std::exception& e) {
          spdlog::error("worker: cannot write the heartbeat of {}: {}", options_.topology_id,
                        e.what());
        }
        ApplyLogConfig();
      } else {
        WriteStatsFile();
      }
    }
  }
  spdlog::info("worker: stopping ({})", WorkerExitName(exit));
  Shutdown();
  return exit;
}

std::optional<WorkerExit> WorkerProcess::Sync() {
  const std::string& id = options_.topology_id;
  auto base = options_.state->GetStormBase(id, /*watch=*/true);
  if (!base) return WorkerExit::kTopologyGone;
  const bool active = base->status == TopologyStatus::kActive;
  if (active != active_) {
    active_ = active;
    worker_->SetActive(active);
    spdlog::info("worker: topology {} is {}; spouts {}", id, TopologyStatusName(base->status),
                 active ? "activated" : "deactivated");
  }
  if (base->component_debug != debug_) {
    debug_ = base->component_debug;
    worker_->SetDebug(debug_);
  }
  auto assignment = options_.state->GetAssignment(id, /*watch=*/true);
  if (!assignment) return WorkerExit::kTopologyGone;
  const std::vector<ExecutorId> mine = ExecutorsOf(*assignment, slot_);
  if (mine.empty()) return WorkerExit::kUnassigned;
  if (mine != executors_) return WorkerExit::kReassigned;
  std::vector<std::string> endpoints = EndpointOfTask(*assignment);
  if (endpoints != endpoint_of_task_) {
    spdlog::info("worker: tasks of other workers of {} moved; re-routing", id);
    endpoint_of_task_ = endpoints;
    worker_->UpdateEndpoints(std::move(endpoints));
  }
  return std::nullopt;
}

WorkerHeartbeat WorkerProcess::MakeHeartbeat() {
  spdlog::debug("worker: queues:\n{}", worker_->DescribeQueues());
  WorkerHeartbeat beat;
  beat.topology_id = options_.topology_id;
  beat.time_secs = UnixSecs();
  beat.uptime_secs = beat.time_secs - start_secs_;
  const int64_t now = options_.clock->NowNanos();
  for (const Executor* e : worker_->executors()) {
    beat.executor_stats[{e->def().first_task, e->def().last_task}] =
        stats_reporter_->Report(*e, now);
  }
  beat.process = MeasureThisProcess();
  return beat;
}

void WorkerProcess::HeartbeatToCluster() {
  const WorkerHeartbeat beat = WriteStatsFile();
  options_.state->SetWorkerHeartbeat(options_.topology_id, slot_, beat);
}

WorkerHeartbeat WorkerProcess::WriteStatsFile() {
  WorkerHeartbeat beat = MakeHeartbeat();
  try {
    // For the supervisor to serve; not worth failing the cluster's beat for.
    local_.WriteWorkerStats(options_.worker_id, beat);
  } catch (const std::exception& e) {
    spdlog::warn("worker: cannot write its stats file: {}", e.what());
  }
  return beat;
}

// Polled with the heartbeat (Storm's worker polls too): a level set with
// `storm set_log_level` is seen within worker.heartbeat.frequency.secs.
void WorkerProcess::ApplyLogConfig() {
  try {
    log_levels_.Apply(options_.state->GetLogConfig(options_.topology_id), UnixSecs());
  } catch (const std::exception& e) {
    spdlog::warn("worker: cannot read the log levels of {}: {}", options_.topology_id, e.what());
  }
}

void WorkerProcess::ReportNewErrors() {
  for (const ErrorRecord& e : worker_->Errors()) {
    if (e.seq <= errors_reported_) continue;
    options_.state->ReportError(options_.topology_id, e.component,
                                ErrorRecordInfo{e.error, e.time_secs, host_, options_.port});
    errors_reported_ = e.seq;
  }
}

void WorkerProcess::WriteLocalHeartbeat() {
  LocalWorkerHeartbeat beat;
  beat.time_secs = UnixSecs();
  beat.topology_id = options_.topology_id;
  beat.executors = executors_;
  beat.port = options_.port;
  local_.WriteHeartbeat(options_.worker_id, beat);
}

void WorkerProcess::LocalHeartbeatThread() {
  SetThreadName("local-heartbeat");
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_heartbeats_) {
    heartbeat_cv_.wait_for(lock, options_.heartbeat_interval,
                           [this] { return stopping_heartbeats_; });
    if (stopping_heartbeats_) break;
    lock.unlock();
    try {
      WriteLocalHeartbeat();
    } catch (const std::exception& e) {
      spdlog::error("worker: cannot write the local heartbeat: {}", e.what());
    }
    lock.lock();
  }
}

void WorkerProcess::RequestStop() {
  // A call waiting for a lost ZooKeeper would hold the stop up for the
  // retries' whole back-off (about 30 s by default).
  options_.state->storage().StopRetrying();
  std::lock_guard<std::mutex> lock(mutex_);
  stop_requested_ = true;
  cv_.notify_all();
}

void WorkerProcess::Shutdown() {
  if (listener_id_ >= 0) {
    // Not under mutex_: RemoveListener waits for a call of the listener,
    // which takes it.
    options_.state->storage().RemoveListener(listener_id_);
    listener_id_ = -1;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_heartbeats_ = true;
    heartbeat_cv_.notify_all();
  }
  if (local_heartbeat_thread_.joinable()) local_heartbeat_thread_.join();
  if (!started_ || shut_down_) return;
  shut_down_ = true;
  worker_->Stop();
  // As Storm's worker: Nimbus no longer waits for beats from this slot.
  try {
    options_.state->RemoveWorkerHeartbeat(options_.topology_id, slot_);
  } catch (const std::exception& e) {
    spdlog::warn("worker: cannot remove the heartbeat of {}: {}", options_.topology_id, e.what());
  }
}

int64_t WorkerProcess::UnixSecs() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace storm
