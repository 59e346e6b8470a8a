// What a supervisor serves at GET /metrics (supervisor.metrics.port): its
// own slots and workers, and the stats of every worker it runs (each
// worker's last heartbeat in its local dir, LocalState::ReadWorkerStats),
// labelled by topology, component, stream, task, host and port
// (worker_metrics.h). Scraping the supervisors scrapes every worker; a
// worker's port is never scraped.
//
// Thread-safe: Collect runs on the metrics server's thread. Component
// names come from the topology's code dir, read once per topology.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/metrics/prometheus.h"
#include "common/state/local_state.h"
#include "common/topology/topology_layout.h"

namespace storm {

class Supervisor;

class SupervisorMetrics {
 public:
  SupervisorMetrics(Supervisor& supervisor, LocalState local, std::string host);

  metrics::MetricSet Collect();

 private:
  // The layout of the topology from its code dir; nullptr when unreadable.
  std::shared_ptr<const TopologyLayout> LayoutOf(const std::string& topology_id);

  Supervisor& supervisor_;
  const LocalState local_;
  const std::string host_;
  std::mutex mutex_;  // guards layouts_
  std::map<std::string, std::shared_ptr<const TopologyLayout>> layouts_;
};

}  // namespace storm
