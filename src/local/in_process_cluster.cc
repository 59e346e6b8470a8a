#include "local/in_process_cluster.h"

#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/config/config_loader.h"
#include "common/state/in_memory_storage.h"
#include "nimbus/scheduler.h"
#include "storm/errors.h"
#include "worker/component_factory.h"

namespace storm {

namespace {

constexpr const char* kLocalSupervisor = "local-supervisor";
constexpr int kFirstLocalPort = 1024;

std::string MakeLocalDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "storm-local-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw StormError("cannot create a temporary directory for local mode under " +
                     std::filesystem::temp_directory_path().string());
  }
  return pattern;
}

}  // namespace

InProcessCluster::InProcessCluster(InProcessClusterOptions options)
    : options_(std::move(options)),
      local_dir_(MakeLocalDir()),
      state_(std::make_shared<ClusterState>(std::make_shared<InMemoryStorage>())) {
  NimbusOptions nimbus;
  nimbus.conf = DefaultConfig();
  nimbus.conf.merge(options_.daemon_conf);
  nimbus.conf.put(Config::kStormLocalDir, local_dir_);
  nimbus.state = state_;
  nimbus.clock = options_.clock;
  nimbus.library_optional = true;
  nimbus.run_monitor_thread = false;
  nimbus_ = std::make_unique<Nimbus>(std::move(nimbus));
  nimbus_->Start();
}

InProcessCluster::~InProcessCluster() {
  Shutdown();
  nimbus_->Stop();
  nimbus_.reset();
  std::error_code ec;
  std::filesystem::remove_all(local_dir_, ec);
}

// The local supervisor gets as many slots as the topologies need.
void InProcessCluster::EnsureSlots(int more) {
  int used = 0;
  for (const auto& [name, run] : running_) used += static_cast<int>(run->workers.size());
  while (static_cast<int>(slots_.size()) < used + more) {
    slots_.push_back(kFirstLocalPort + static_cast<int>(slots_.size()));
  }
  SupervisorInfo info;
  info.id = kLocalSupervisor;
  info.hostname = "localhost";
  info.slots = slots_;
  info.version = STORM_VERSION;
  state_->SetSupervisor(info);
}

std::string InProcessCluster::SubmitTopology(const std::string& name, const Config& conf,
                                         const StormTopology& topology,
                                         std::shared_ptr<void> keep_alive) {
  Config topology_conf = conf;
  topology_conf.merge(options_.overrides);

  std::lock_guard<std::mutex> lock(mutex_);
  Config merged = DefaultConfig();
  merged.merge(options_.daemon_conf).merge(topology_conf);
  // Nimbus refuses a topology whose worker count is not a positive integer.
  int64_t workers = 1;
  try {
    workers = merged.getInt(Config::kTopologyWorkers, 1);
  } catch (const ConfigError&) {
  }
  EnsureSlots(static_cast<int>(std::max<int64_t>(workers, 1)));
  const std::string id = nimbus_->SubmitTopology(name, "", topology_conf, topology);

  auto run = std::make_unique<Running>();
  run->id = id;
  auto base = state_->GetStormBase(id);
  auto assignment = state_->GetAssignment(id);
  if (!base || !assignment) throw StormError("Nimbus did not assign topology " + id);
  run->layout = BuildRunningLayout(id, topology, nimbus_->GetTopologyConf(id),
                                   base->component_executors);
  run->transport = std::make_unique<InProcessTransport>();
  run->factory = std::make_unique<TopologyComponentFactory>(run->layout);
  run->keep_alive = std::move(keep_alive);

  std::map<WorkerSlot, std::vector<ExecutorDef>> by_slot;
  std::vector<std::string> endpoint_of_task(static_cast<size_t>(run->layout->max_task()) + 1);
  for (const ExecutorDef& e : run->layout->executors()) {
    auto it = assignment->executor_slot.find({e.first_task, e.last_task});
    if (it == assignment->executor_slot.end()) {
      throw StormError("Nimbus left executor " + e.component + " unassigned");
    }
    by_slot[it->second].push_back(e);
    for (int t = e.first_task; t <= e.last_task; ++t) {
      endpoint_of_task[t] = "local:" + std::to_string(it->second.port);
    }
  }
  for (auto& [slot, executors] : by_slot) {
    WorkerSpec spec;
    spec.layout = run->layout;
    spec.port = slot.port;
    spec.endpoint = "local:" + std::to_string(slot.port);
    spec.executors = std::move(executors);
    spec.endpoint_of_task = endpoint_of_task;
    run->workers.push_back(std::make_unique<Worker>(std::move(spec), run->transport.get(),
                                                    options_.clock, run->factory.get()));
  }
  for (auto& w : run->workers) w->Bind();
  for (auto& w : run->workers) w->Start();
  spdlog::info("local cluster: topology {} running as {} on {} workers with {} executors",
               name, run->id, run->workers.size(), run->layout->executors().size());
  running_[name] = std::move(run);
  return id;
}

InProcessCluster::Running& InProcessCluster::Find(const std::string& name) {
  auto it = running_.find(name);
  if (it == running_.end()) throw NotAliveError("no topology named '" + name + "' is alive");
  return *it->second;
}

const InProcessCluster::Running& InProcessCluster::Find(const std::string& name) const {
  auto it = running_.find(name);
  if (it == running_.end()) throw NotAliveError("no topology named '" + name + "' is alive");
  return *it->second;
}

TopologyTotals InProcessCluster::KillTopology(const std::string& name, double wait_secs) {
  std::unique_ptr<Running> run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Find(name);
    // Nimbus marks it killed (its spouts' status) and removes it below.
    nimbus_->KillTopology(name, static_cast<int>(std::ceil(wait_secs)));
    auto it = running_.find(name);
    run = std::move(it->second);
    running_.erase(it);
  }
  for (auto& w : run->workers) w->SetActive(false);
  // Let the trees in flight finish (Storm waits wait_secs after deactivating).
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_secs);
  while (std::chrono::steady_clock::now() < deadline) {
    size_t pending = 0;
    for (auto& w : run->workers) pending += w->Totals().pending;
    if (pending == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& w : run->workers) w->Stop();
  // Its wait is over: remove it now, unless a zero wait already did.
  if (nimbus_->IdOfName(name)) nimbus_->KillTopology(name, 0);
  spdlog::info("local cluster: topology {} killed", run->id);
  return Sum(*run);
}

// The spouts follow the status Nimbus keeps, as a worker's would.
void InProcessCluster::ApplyStatus(const std::string& name) {
  auto id = nimbus_->IdOfName(name);
  auto base = id ? state_->GetStormBase(*id) : std::nullopt;
  const bool active = base && base->status == TopologyStatus::kActive;
  for (auto& w : Find(name).workers) w->SetActive(active);
}

void InProcessCluster::Activate(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Find(name);
  nimbus_->Activate(name);
  ApplyStatus(name);
}

void InProcessCluster::Deactivate(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  Find(name);
  nimbus_->Deactivate(name);
  ApplyStatus(name);
}

std::vector<std::string> InProcessCluster::TopologyNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, run] : running_) names.push_back(name);
  return names;
}

InProcessCluster::Summary InProcessCluster::Summarize(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Running& run = Find(name);
  Summary out;
  out.id = run.id;
  auto base = state_->GetStormBase(run.id);
  out.active = base && base->status == TopologyStatus::kActive;
  out.num_workers = static_cast<int>(run.workers.size());
  for (const ExecutorDef& e : run.layout->executors()) {
    if (e.component == kSystemComponentId) continue;
    ++out.num_executors;
    out.num_tasks += e.last_task - e.first_task + 1;
  }
  out.totals = Sum(run);
  return out;
}

TopologyTotals InProcessCluster::Totals(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return Sum(Find(name));
}

TopologyTotals InProcessCluster::Sum(const Running& run) {
  TopologyTotals out;
  for (const auto& w : run.workers) {
    WorkerTotals t = w->Totals();
    WorkerTotals& o = out.totals;
    o.emitted += t.emitted;
    o.transferred += t.transferred;
    o.executed += t.executed;
    o.spout_acked += t.spout_acked;
    o.spout_failed += t.spout_failed;
    o.bolt_acked += t.bolt_acked;
    o.bolt_failed += t.bolt_failed;
    o.errors += t.errors;
    o.rejected_tuples += t.rejected_tuples;
    o.pending += t.pending;
    for (auto& e : w->Errors()) out.errors.push_back(std::move(e));
  }
  return out;
}

void InProcessCluster::CompleteLatency(const std::string& name, LatencyHistogram& into) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& w : Find(name).workers) w->MergeCompleteLatency(into);
}

const TopologyLayout& InProcessCluster::Layout(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return *Find(name).layout;
}

std::string InProcessCluster::DescribeQueues(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& w : Find(name).workers) out += w->DescribeQueues();
  return out;
}

void InProcessCluster::Shutdown() {
  for (const auto& name : TopologyNames()) KillTopology(name, 0);
}

}  // namespace storm
