#include "supervisor/local_cluster.h"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "common/config_loader.h"
#include "nimbus/scheduler.h"
#include "storm/errors.h"
#include "worker/component_factory.h"

namespace storm {

void ValidateTopologyName(const std::string& name) {
  if (name.empty()) throw InvalidTopologyError("the topology name is empty");
  for (char c : name) {
    if (c == '/' || c == '.' || c == ':' || c == '\\') {
      throw InvalidTopologyError("topology name '" + name +
                                 "' contains one of the characters / . : \\ that Storm forbids");
    }
  }
}

LocalCluster::LocalCluster(LocalClusterOptions options) : options_(std::move(options)) {}

LocalCluster::~LocalCluster() { Shutdown(); }

std::string LocalCluster::SubmitTopology(const std::string& name, const Config& conf,
                                         const StormTopology& topology,
                                         std::shared_ptr<void> keep_alive) {
  ValidateTopologyName(name);
  Config merged = DefaultConfig();
  merged.merge(options_.daemon_conf).merge(conf).merge(options_.overrides);
  merged.put(Config::kTopologyName, name);
  ValidateConfig(merged);

  std::lock_guard<std::mutex> lock(mutex_);
  if (running_.count(name) != 0) {
    throw StormError("topology '" + name + "' is already alive");
  }
  const auto launch = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto run = std::make_unique<Running>();
  run->id = name + "-" + std::to_string(++counter_) + "-" + std::to_string(launch);
  run->layout = TopologyLayout::Build(run->id, topology, merged);
  run->transport = std::make_unique<InProcessTransport>();
  run->factory = std::make_unique<TopologyComponentFactory>(run->layout);
  run->keep_alive = std::move(keep_alive);

  const int workers = static_cast<int>(merged.getInt(Config::kTopologyWorkers));
  std::vector<WorkerSlot> slots;
  for (int i = 0; i < workers; ++i) slots.push_back(WorkerSlot{"local", 1024 + i});
  auto assignments = ScheduleEvenly(run->layout->executors(), slots, workers);

  std::vector<std::string> endpoint_of_task(static_cast<size_t>(run->layout->max_task()) + 1);
  for (const auto& a : assignments) {
    for (const auto& e : a.executors) {
      for (int t = e.first_task; t <= e.last_task; ++t) {
        endpoint_of_task[t] = "local:" + std::to_string(a.slot.port);
      }
    }
  }
  for (const auto& a : assignments) {
    WorkerSpec spec;
    spec.layout = run->layout;
    spec.port = a.slot.port;
    spec.endpoint = "local:" + std::to_string(a.slot.port);
    spec.executors = a.executors;
    spec.endpoint_of_task = endpoint_of_task;
    run->workers.push_back(std::make_unique<Worker>(std::move(spec), run->transport.get(),
                                                    options_.clock, run->factory.get()));
  }
  for (auto& w : run->workers) w->Bind();
  for (auto& w : run->workers) w->Start();
  spdlog::info("local cluster: topology {} running as {} on {} workers with {} executors",
               name, run->id, run->workers.size(), run->layout->executors().size());
  const std::string id = run->id;
  running_[name] = std::move(run);
  return id;
}

LocalCluster::Running& LocalCluster::Find(const std::string& name) {
  auto it = running_.find(name);
  if (it == running_.end()) throw StormError("no topology named '" + name + "' is alive");
  return *it->second;
}

const LocalCluster::Running& LocalCluster::Find(const std::string& name) const {
  auto it = running_.find(name);
  if (it == running_.end()) throw StormError("no topology named '" + name + "' is alive");
  return *it->second;
}

TopologyTotals LocalCluster::KillTopology(const std::string& name, double wait_secs) {
  std::unique_ptr<Running> run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    Find(name);
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
  spdlog::info("local cluster: topology {} killed", run->id);
  return Sum(*run);
}

void LocalCluster::Activate(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& w : Find(name).workers) w->SetActive(true);
}

void LocalCluster::Deactivate(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& w : Find(name).workers) w->SetActive(false);
}

std::vector<std::string> LocalCluster::TopologyNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, run] : running_) names.push_back(name);
  return names;
}

TopologyTotals LocalCluster::Totals(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return Sum(Find(name));
}

TopologyTotals LocalCluster::Sum(const Running& run) {
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

void LocalCluster::CompleteLatency(const std::string& name, LatencyHistogram& into) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& w : Find(name).workers) w->MergeCompleteLatency(into);
}

const TopologyLayout& LocalCluster::Layout(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return *Find(name).layout;
}

std::string LocalCluster::DescribeQueues(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& w : Find(name).workers) {
    for (const Executor* e : w->executors()) {
      out += w->spec().endpoint + " " + e->def().component + "[" +
             std::to_string(e->def().first_task) + "-" + std::to_string(e->def().last_task) +
             "] in " + std::to_string(e->InQueueDepth()) + " out " +
             std::to_string(e->OutQueueDepth());
      const uint64_t batches = e->stats().batches.Get();
      if (batches > 0) {
        out += " mean input batch " + std::to_string(e->stats().executed.Get() / batches);
      }
      out += "\n";
    }
  }
  return out;
}

void LocalCluster::Shutdown() {
  for (const auto& name : TopologyNames()) KillTopology(name, 0);
}

}  // namespace storm
