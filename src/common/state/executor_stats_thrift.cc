// ExecutorBeatStats <-> Storm's ExecutorStats: per window, spouts keyed by
// stream id, bolts by GlobalStreamId.
#include <string>

#include "common/state/cluster_thrift.h"

namespace storm {

namespace {

// Not a Storm window: complete_ms_avg[kLatencyBuckets][bucket index] = count,
// where workers before ExecutorStats.latency_buckets (103) put the complete
// latency's buckets; still read. Storm's readers look up their windows by
// name and skip this one.
constexpr const char* kLatencyBuckets = ":complete-latency-buckets";

template <class Map>
int64_t Sum(const Map& by_stream) {
  int64_t n = 0;
  for (const auto& [stream, v] : by_stream) n += v;
  return n;
}

gen::GlobalStreamId ToThrift(const StatsStreamId& id) {
  gen::GlobalStreamId t;
  t.componentId = id.component;
  t.streamId = id.stream;
  return t;
}

// Spouts key by stream only.
template <class V>
std::map<std::string, V> ByStream(const std::map<StatsStreamId, V>& in) {
  std::map<std::string, V> out;
  for (const auto& [id, v] : in) out[id.stream] = v;
  return out;
}

template <class V>
std::map<gen::GlobalStreamId, V> ByGlobalStream(const std::map<StatsStreamId, V>& in) {
  std::map<gen::GlobalStreamId, V> out;
  for (const auto& [id, v] : in) out[ToThrift(id)] = v;
  return out;
}

template <class V>
std::map<StatsStreamId, V> FromStream(const std::map<std::string, V>& in) {
  std::map<StatsStreamId, V> out;
  for (const auto& [stream, v] : in) out[StatsStreamId{"", stream}] = v;
  return out;
}

template <class V>
std::map<StatsStreamId, V> FromGlobalStream(const std::map<gen::GlobalStreamId, V>& in) {
  std::map<StatsStreamId, V> out;
  for (const auto& [id, v] : in) out[StatsStreamId{id.componentId, id.streamId}] = v;
  return out;
}

// Puts `per_window[w]` into `out[w]` for every window of the stats.
template <class Out, class Get>
void ForEachWindow(const ExecutorBeatStats& s, Out& out, Get get) {
  for (const auto& [window, w] : s.windows) out[window] = get(w);
}

}  // namespace

int64_t WindowStats::Emitted() const { return Sum(emitted); }
int64_t WindowStats::Transferred() const { return Sum(transferred); }
int64_t WindowStats::Acked() const { return Sum(acked); }
int64_t WindowStats::Failed() const { return Sum(failed); }
int64_t WindowStats::Executed() const { return Sum(executed); }

const WindowStats& ExecutorBeatStats::Window(const std::string& window) const {
  static const WindowStats kEmpty;
  auto it = windows.find(window);
  return it == windows.end() ? kEmpty : it->second;
}

gen::ExecutorStats ExecutorStatsToThrift(const ExecutorBeatStats& s) {
  gen::ExecutorStats t;
  ForEachWindow(s, t.emitted, [](const WindowStats& w) { return w.emitted; });
  ForEachWindow(s, t.transferred, [](const WindowStats& w) { return w.transferred; });
  if (s.is_spout) {
    gen::SpoutStats spout;
    ForEachWindow(s, spout.acked, [](const WindowStats& w) { return ByStream(w.acked); });
    ForEachWindow(s, spout.failed, [](const WindowStats& w) { return ByStream(w.failed); });
    ForEachWindow(s, spout.complete_ms_avg,
                  [](const WindowStats& w) { return ByStream(w.complete_ms_avg); });
    t.specific.__set_spout(spout);
  } else {
    gen::BoltStats bolt;
    ForEachWindow(s, bolt.acked, [](const WindowStats& w) { return ByGlobalStream(w.acked); });
    ForEachWindow(s, bolt.failed, [](const WindowStats& w) { return ByGlobalStream(w.failed); });
    ForEachWindow(s, bolt.executed,
                  [](const WindowStats& w) { return ByGlobalStream(w.executed); });
    ForEachWindow(s, bolt.execute_ms_avg,
                  [](const WindowStats& w) { return ByGlobalStream(w.execute_ms_avg); });
    ForEachWindow(s, bolt.process_ms_avg,
                  [](const WindowStats& w) { return ByGlobalStream(w.process_ms_avg); });
    t.specific.__set_bolt(bolt);
  }
  t.rate = 1.0;  // not sampled per executor: every tuple is counted
  std::map<std::string, gen::FailureCauses> causes;
  for (const auto& [window, w] : s.windows) {
    gen::FailureCauses c;
    c.timed_out = w.failure_causes.timed_out;
    c.failed_by_bolt = w.failure_causes.failed_by_bolt;
    c.failed_by_exception = w.failure_causes.failed_by_exception;
    causes[window] = c;
  }
  t.__set_failure_causes(std::move(causes));
  if (s.queue) {
    gen::ExecutorQueueStats q;
    q.receive_queue_population = s.queue->population;
    q.receive_queue_capacity = s.queue->capacity;
    q.backpressure = s.queue->backpressure;
    t.__set_queue(q);
  }
  if (!s.task_metrics.empty()) {
    std::vector<gen::TaskMetric> metrics;
    for (const auto& m : s.task_metrics) {
      gen::TaskMetric tm;
      tm.task_id = m.task;
      tm.name = m.name;
      tm.type = m.type;
      tm.values = m.values;
      metrics.push_back(std::move(tm));
    }
    t.__set_task_metrics(std::move(metrics));
  }
  if (!s.latency_buckets.empty()) {
    std::map<std::string, std::map<int32_t, int64_t>> buckets;
    for (const auto& [kind, m] : s.latency_buckets) buckets[kind].insert(m.begin(), m.end());
    t.__set_latency_buckets(std::move(buckets));
  }
  return t;
}

ExecutorBeatStats ExecutorStatsFromThrift(const gen::ExecutorStats& t) {
  ExecutorBeatStats s;
  auto& windows = s.windows;
  for (const auto& [window, m] : t.emitted) windows[window].emitted = m;
  for (const auto& [window, m] : t.transferred) windows[window].transferred = m;
  if (t.specific.__isset.spout) {
    s.is_spout = true;
    const gen::SpoutStats& spout = t.specific.spout;
    for (const auto& [window, m] : spout.acked) windows[window].acked = FromStream(m);
    for (const auto& [window, m] : spout.failed) windows[window].failed = FromStream(m);
    for (const auto& [window, m] : spout.complete_ms_avg) {
      if (window == kLatencyBuckets) {
        for (const auto& [bucket, n] : m) {
          try {
            s.latency_buckets["complete"][std::stoi(bucket)] = static_cast<int64_t>(n);
          } catch (const std::exception&) {
            // Not ours: ignored.
          }
        }
      } else {
        windows[window].complete_ms_avg = FromStream(m);
      }
    }
  } else if (t.specific.__isset.bolt) {
    const gen::BoltStats& bolt = t.specific.bolt;
    for (const auto& [window, m] : bolt.acked) windows[window].acked = FromGlobalStream(m);
    for (const auto& [window, m] : bolt.failed) windows[window].failed = FromGlobalStream(m);
    for (const auto& [window, m] : bolt.executed) windows[window].executed = FromGlobalStream(m);
    for (const auto& [window, m] : bolt.execute_ms_avg) {
      windows[window].execute_ms_avg = FromGlobalStream(m);
    }
    for (const auto& [window, m] : bolt.process_ms_avg) {
      windows[window].process_ms_avg = FromGlobalStream(m);
    }
  }
  for (const auto& [window, c] : t.failure_causes) {
    windows[window].failure_causes =
        FailureCauseCounts{c.timed_out, c.failed_by_bolt, c.failed_by_exception};
  }
  if (t.__isset.queue) {
    s.queue = QueueStats{t.queue.receive_queue_population, t.queue.receive_queue_capacity,
                         t.queue.backpressure};
  }
  for (const auto& m : t.task_metrics) {
    s.task_metrics.push_back(TaskMetricSample{m.task_id, m.name, m.type, m.values});
  }
  for (const auto& [kind, m] : t.latency_buckets) {
    auto& buckets = s.latency_buckets[kind];
    for (const auto& [bucket, n] : m) buckets[bucket] = n;
  }
  return s;
}

gen::WorkerProcessStats ProcessStatsToThrift(const ProcessStats& s) {
  gen::WorkerProcessStats t;
  t.rss_bytes = s.rss_bytes;
  t.cpu_secs = s.cpu_secs;
  if (s.pid != 0) t.__set_pid(s.pid);
  return t;
}

ProcessStats ProcessStatsFromThrift(const gen::WorkerProcessStats& t) {
  return ProcessStats{t.rss_bytes, t.cpu_secs, t.__isset.pid ? t.pid : 0};
}

gen::ClusterWorkerHeartbeat WorkerHeartbeatToThrift(const WorkerHeartbeat& h) {
  gen::ClusterWorkerHeartbeat t;
  t.storm_id = h.topology_id;
  t.time_secs = static_cast<int32_t>(h.time_secs);
  t.uptime_secs = static_cast<int32_t>(h.uptime_secs);
  for (const auto& [e, stats] : h.executor_stats) {
    gen::ExecutorInfo info;
    info.task_start = e.first;
    info.task_end = e.second;
    t.executor_stats[info] = ExecutorStatsToThrift(stats);
  }
  if (h.process) t.__set_process(ProcessStatsToThrift(*h.process));
  return t;
}

WorkerHeartbeat WorkerHeartbeatFromThrift(const gen::ClusterWorkerHeartbeat& t) {
  WorkerHeartbeat h;
  h.topology_id = t.storm_id;
  h.time_secs = t.time_secs;
  h.uptime_secs = t.uptime_secs;
  for (const auto& [info, stats] : t.executor_stats) {
    h.executor_stats[{info.task_start, info.task_end}] = ExecutorStatsFromThrift(stats);
  }
  if (t.__isset.process) h.process = ProcessStatsFromThrift(t.process);
  return h;
}

}  // namespace storm
