// What a supervisor serves at GET /metrics for the workers it runs: each
// worker's last stats (the heartbeat it writes to its local dir), in
// Prometheus's text model, labelled by topology, component, stream, task,
// host and port, so that scraping the supervisors scrapes every worker
// (docs/metrics.md lists the names). Storm's metric names
// (__emit-count, __execute-latency, ...) in Prometheus's style.
//
// Counters are the all-time counts; latencies and capacity are over
// Storm's 10-minute window ("600"), as the UI's default; the latency
// histograms (from the sampled tuples' buckets) are over the worker's life.
#pragma once

#include <functional>
#include <string>

#include "common/metrics/prometheus.h"
#include "common/state/cluster_types.h"

namespace storm {

struct WorkerMetricLabels {
  std::string topology_id;
  std::string host;
  int port = 0;
};

// The component of a task (nullptr when unknown: such executors are skipped).
using ComponentOfTask = std::function<const std::string*(int task)>;

// Adds the worker's metrics to `out`.
void AddWorkerMetrics(const WorkerHeartbeat& beat, const ComponentOfTask& component_of,
                      const WorkerMetricLabels& labels, metrics::MetricSet& out);

}  // namespace storm
