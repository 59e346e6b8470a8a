#include "supervisor/supervisor_metrics.h"

#include <spdlog/spdlog.h>

#include "common/topology/code_dir.h"
#include "supervisor/supervisor.h"
#include "supervisor/worker_metrics.h"

namespace storm {

SupervisorMetrics::SupervisorMetrics(Supervisor& supervisor, LocalState local, std::string host)
    : supervisor_(supervisor), local_(std::move(local)), host_(std::move(host)) {}

std::shared_ptr<const TopologyLayout> SupervisorMetrics::LayoutOf(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = layouts_.find(id);
  if (it != layouts_.end()) return it->second;
  std::shared_ptr<const TopologyLayout> layout;
  try {
    const std::string dir = local_.CodeDir(id);
    layout = TopologyLayout::Build(id, ReadCodeDirTopology(dir), ReadCodeDirConf(dir));
  } catch (const std::exception& e) {
    spdlog::warn("supervisor: no metrics for the workers of {}: {}", id, e.what());
    return nullptr;  // not cached: the code may arrive later
  }
  layouts_[id] = layout;
  return layout;
}

metrics::MetricSet SupervisorMetrics::Collect() {
  metrics::MetricSet set;
  const std::vector<SupervisorWorkerView> workers = supervisor_.Workers();
  const metrics::Labels self = {{"host", host_}, {"supervisor", supervisor_.id()}};
  set.AddGauge("storm_supervisor_slots", "The supervisor's worker slots.", self,
               static_cast<double>(supervisor_.slots().size()));
  set.AddGauge("storm_supervisor_workers", "Worker processes the supervisor runs.", self,
               static_cast<double>(workers.size()));
  std::map<std::string, bool> live_topologies;
  for (const SupervisorWorkerView& w : workers) {
    live_topologies[w.topology_id] = true;
    auto beat = local_.ReadWorkerStats(w.worker_id);
    if (!beat) continue;  // not written yet
    auto layout = LayoutOf(w.topology_id);
    if (!layout) continue;
    AddWorkerMetrics(
        *beat, [&layout](int task) { return layout->ComponentOfTask(task); },
        WorkerMetricLabels{w.topology_id, host_, w.port}, set);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(layouts_, [&](const auto& entry) { return !live_topologies.count(entry.first); });
  return set;
}

}  // namespace storm
