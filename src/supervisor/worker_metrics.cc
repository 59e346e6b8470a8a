#include "supervisor/worker_metrics.h"

#include <algorithm>
#include <array>

#include "common/util/histogram.h"

namespace storm {

namespace {

using metrics::Labels;
using metrics::MetricSet;

constexpr double kWindowSecs = 600;  // kWindow10Min

// "3", or "3-4" for an executor of several tasks: Storm's metrics are per
// task, ours per executor (one task, unless topology.tasks says more).
std::string TaskLabel(const ExecutorId& e) {
  return e.first == e.second ? std::to_string(e.first)
                             : std::to_string(e.first) + "-" + std::to_string(e.second);
}

Labels With(Labels labels, const char* name, std::string value) {
  labels.emplace_back(name, std::move(value));
  return labels;
}

void AddStreamCounts(const WindowStats& all, const Labels& base, MetricSet& out) {
  for (const auto& [stream, n] : all.emitted) {
    out.AddCounter("storm_emit_count", "Tuples emitted, by output stream (Storm's __emit-count).",
                   With(base, "stream", stream), static_cast<double>(n));
  }
  for (const auto& [stream, n] : all.transferred) {
    out.AddCounter("storm_transfer_count",
                   "Tuples sent to tasks, by output stream (Storm's __transfer-count).",
                   With(base, "stream", stream), static_cast<double>(n));
  }
  auto by_input = [&](const StatsStreamId& id) {
    return With(With(base, "stream", id.stream), "source_component", id.component);
  };
  for (const auto& [id, n] : all.acked) {
    out.AddCounter("storm_ack_count",
                   "Spouts: tuple trees acked, by stream; bolts: inputs acked, by input stream "
                   "(Storm's __ack-count).",
                   by_input(id), static_cast<double>(n));
  }
  for (const auto& [id, n] : all.failed) {
    out.AddCounter("storm_fail_count",
                   "Spouts: tuple trees failed, by stream; bolts: inputs failed, by input stream "
                   "(Storm's __fail-count).",
                   by_input(id), static_cast<double>(n));
  }
  for (const auto& [id, n] : all.executed) {
    out.AddCounter("storm_execute_count", "Bolts: inputs executed, by input stream "
                                          "(Storm's __execute-count).",
                   by_input(id), static_cast<double>(n));
  }
  const FailureCauseCounts& c = all.failure_causes;
  for (const auto& [cause, n] : {std::pair<const char*, int64_t>{"timed_out", c.timed_out},
                                 {"failed_by_bolt", c.failed_by_bolt},
                                 {"failed_by_exception", c.failed_by_exception}}) {
    out.AddCounter("storm_failure_count",
                   "Failed tuples by cause: spouts count trees that timed out, bolts the inputs "
                   "they failed and those failed because execute threw.",
                   With(base, "cause", cause), static_cast<double>(n));
  }
}

// Averages over the window (ms in the heartbeat, seconds here).
void AddLatencies(const WindowStats& w, const Labels& base, MetricSet& out) {
  auto by_input = [&](const StatsStreamId& id) {
    return With(With(base, "stream", id.stream), "source_component", id.component);
  };
  for (const auto& [id, ms] : w.complete_ms_avg) {
    out.AddGauge("storm_complete_latency_seconds_avg",
                 "Spouts: mean time from emit to ack of a tuple tree over the last 10 minutes "
                 "(Storm's __complete-latency).",
                 by_input(id), ms / 1000.0);
  }
  for (const auto& [id, ms] : w.execute_ms_avg) {
    out.AddGauge("storm_execute_latency_seconds_avg",
                 "Bolts: mean time in execute over the last 10 minutes (Storm's "
                 "__execute-latency).",
                 by_input(id), ms / 1000.0);
  }
  for (const auto& [id, ms] : w.process_ms_avg) {
    out.AddGauge("storm_process_latency_seconds_avg",
                 "Bolts: mean time from the start of execute to the ack over the last 10 "
                 "minutes (Storm's __process-latency).",
                 by_input(id), ms / 1000.0);
  }
}

// Prometheus buckets (seconds) for the latency histograms: 100 us to 10 s.
constexpr std::array<double, 16> kLatencyBoundsSecs = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,     10};

// LatencyHistogram buckets (index -> count of sampled tuples, over the
// worker's life) as a Prometheus histogram: each bucket goes to the first
// bound at or above its upper edge; the sum takes each value as its
// bucket's upper edge (LatencyHistogram's ~6% precision).
void AddLatencyHistogram(const std::string& kind, const std::map<int, int64_t>& buckets,
                         const Labels& base, MetricSet& out) {
  std::vector<uint64_t> counts(kLatencyBoundsSecs.size() + 1, 0);
  double sum = 0;
  for (const auto& [index, n] : buckets) {
    if (index < 0 || index >= LatencyHistogram::kBuckets || n <= 0) continue;
    const double secs = static_cast<double>(LatencyHistogram::BucketUpperBoundNanos(index)) / 1e9;
    const auto at = std::lower_bound(kLatencyBoundsSecs.begin(), kLatencyBoundsSecs.end(), secs);
    counts[static_cast<size_t>(at - kLatencyBoundsSecs.begin())] += static_cast<uint64_t>(n);
    sum += secs * static_cast<double>(n);
  }
  const std::vector<double> bounds(kLatencyBoundsSecs.begin(), kLatencyBoundsSecs.end());
  out.AddHistogram("storm_" + kind + "_latency_seconds",
                   "Latency of the sampled tuples over the worker's life (" + kind +
                       ": Storm's __" + kind + "-latency).",
                   base, bounds, counts, sum);
}

// Storm's capacity: the fraction of the window the executor spent executing.
double Capacity(const WindowStats& w, int64_t uptime_secs) {
  double busy_ms = 0;
  for (const auto& [id, n] : w.executed) {
    auto it = w.execute_ms_avg.find(id);
    if (it != w.execute_ms_avg.end()) busy_ms += static_cast<double>(n) * it->second;
  }
  const double window = std::min(kWindowSecs, static_cast<double>(std::max<int64_t>(uptime_secs, 1)));
  return busy_ms / (1000.0 * window);
}

void AddTaskMetric(const TaskMetricSample& m, const Labels& base, MetricSet& out) {
  const std::string name = "storm_user_" + metrics::SanitizeMetricName(m.name);
  const std::string help = "A metric the topology registered (" + m.type + " " + m.name + ").";
  auto value = [&](const char* key) {
    auto it = m.values.find(key);
    return it == m.values.end() ? 0.0 : it->second;
  };
  if (m.type == "counter") {
    out.AddCounter(name, help, base, value("count"));
  } else if (m.type == "gauge") {
    out.AddGauge(name, help, base, value("value"));
  } else if (m.type == "histogram") {
    std::vector<std::pair<double, double>> quantiles;
    for (const auto& [key, q] : {std::pair<const char*, double>{"p50", 0.5},
                                 {"p75", 0.75}, {"p95", 0.95}, {"p98", 0.98}, {"p99", 0.99},
                                 {"p999", 0.999}}) {
      if (m.values.count(key)) quantiles.emplace_back(q, value(key));
    }
    out.AddSummary(name, help, base, quantiles, value("sum"),
                   static_cast<uint64_t>(value("count")));
  } else if (m.type == "meter") {
    out.AddCounter(name, help, base, value("count"));
    out.AddGauge(name + "_m1_rate", help + " One-minute rate, per second.", base,
                 value("m1_rate"));
  }
}

}  // namespace

void AddWorkerMetrics(const WorkerHeartbeat& beat, const ComponentOfTask& component_of,
                      const WorkerMetricLabels& labels, MetricSet& out) {
  const Labels worker = {{"topology", labels.topology_id},
                         {"host", labels.host},
                         {"port", std::to_string(labels.port)}};
  out.AddGauge("storm_worker_uptime_seconds", "How long the worker process has run.", worker,
               static_cast<double>(beat.uptime_secs));
  if (beat.process) {
    out.AddGauge("storm_worker_resident_memory_bytes", "The worker process's resident set size.",
                 worker, static_cast<double>(beat.process->rss_bytes));
    out.AddCounter("storm_worker_cpu_seconds", "CPU time (user and system) the worker used.",
                   worker, beat.process->cpu_secs);
  }
  for (const auto& [executor, stats] : beat.executor_stats) {
    const std::string* component = component_of(executor.first);
    if (component == nullptr) continue;
    const Labels base = {{"topology", labels.topology_id}, {"component", *component},
                         {"task", TaskLabel(executor)}, {"host", labels.host},
                         {"port", std::to_string(labels.port)}};
    AddStreamCounts(stats.AllTime(), base, out);
    const WindowStats& recent = stats.Window(kWindow10Min);
    AddLatencies(recent, base, out);
    for (const auto& [kind, buckets] : stats.latency_buckets) {
      if (kind == "complete" || kind == "execute" || kind == "process") {
        AddLatencyHistogram(kind, buckets, base, out);
      }
    }
    if (!stats.is_spout) {
      out.AddGauge("storm_capacity",
                   "Bolts: the fraction of the last 10 minutes spent executing (Storm's "
                   "capacity; near 1 means the bolt is the bottleneck).",
                   base, Capacity(recent, beat.uptime_secs));
    }
    if (stats.queue) {
      out.AddGauge("storm_receive_queue_population", "Tuples waiting in the receive queue.", base,
                   static_cast<double>(stats.queue->population));
      out.AddGauge("storm_receive_queue_capacity", "The receive queue's capacity.", base,
                   static_cast<double>(stats.queue->capacity));
      out.AddGauge("storm_backpressure", "1 while the executor's receive queue is too full.",
                   base, stats.queue->backpressure ? 1 : 0);
    }
    for (const TaskMetricSample& m : stats.task_metrics) {
      Labels task = base;
      task[2].second = std::to_string(m.task);
      AddTaskMetric(m, task, out);
    }
  }
}

}  // namespace storm
