#include "nimbus/stats_aggregation.h"

#include <algorithm>

namespace storm {

namespace {

// Counts and latency totals (latency * the count it is weighted by), so that
// averages over several streams and executors come out weighted.
struct Accumulator {
  int64_t emitted = 0;
  int64_t transferred = 0;
  int64_t acked = 0;
  int64_t failed = 0;
  int64_t executed = 0;
  double complete_total = 0;  // complete_ms_avg * acked (spouts)
  double execute_total = 0;   // execute_ms_avg * executed (bolts)
  double process_total = 0;   // process_ms_avg * acked (bolts)

  static double Average(double total, int64_t count) {
    return count > 0 ? total / static_cast<double>(count) : 0;
  }
  void Into(ComponentAggStats& out) const {
    out.emitted = emitted;
    out.transferred = transferred;
    out.acked = acked;
    out.failed = failed;
    out.executed = executed;
    out.complete_latency_ms = Average(complete_total, acked);
    out.execute_latency_ms = Average(execute_total, executed);
    out.process_latency_ms = Average(process_total, acked);
  }
};

template <class K, class V>
V ValueAt(const std::map<K, V>& map, const K& key) {
  auto it = map.find(key);
  return it == map.end() ? V{} : it->second;
}

bool IsSystemStream(const StatsStreamId& id) {
  return IsSystemId(id.component) || IsSystemId(id.stream);
}

// A spout's acks, fails and complete latency of one stream key.
void AddSpoutStream(const WindowStats& w, const StatsStreamId& s, Accumulator& acc) {
  const int64_t acked = ValueAt(w.acked, s);
  acc.acked += acked;
  acc.failed += ValueAt(w.failed, s);
  acc.complete_total += ValueAt(w.complete_ms_avg, s) * static_cast<double>(acked);
}

// A bolt's counts and latencies of one input stream.
void AddBoltStream(const WindowStats& w, const StatsStreamId& s, Accumulator& acc) {
  const int64_t acked = ValueAt(w.acked, s);
  const int64_t executed = ValueAt(w.executed, s);
  acc.acked += acked;
  acc.failed += ValueAt(w.failed, s);
  acc.executed += executed;
  acc.execute_total += ValueAt(w.execute_ms_avg, s) * static_cast<double>(executed);
  acc.process_total += ValueAt(w.process_ms_avg, s) * static_cast<double>(acked);
}

// Every key of a window's acked/failed/executed maps, sys ones dropped
// unless include_sys.
std::vector<StatsStreamId> StreamKeys(const WindowStats& w, bool include_sys) {
  std::vector<StatsStreamId> keys;
  auto add = [&](const auto& map) {
    for (const auto& [k, v] : map) {
      if (!include_sys && IsSystemStream(k)) continue;
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  };
  add(w.acked);
  add(w.failed);
  add(w.executed);
  return keys;
}

void AddExecutor(const WindowStats& w, bool is_spout, bool include_sys, Accumulator& acc) {
  for (const auto& [stream, n] : w.emitted) {
    if (include_sys || !IsSystemId(stream)) acc.emitted += n;
  }
  for (const auto& [stream, n] : w.transferred) {
    if (include_sys || !IsSystemId(stream)) acc.transferred += n;
  }
  for (const StatsStreamId& s : StreamKeys(w, include_sys)) {
    if (is_spout) {
      AddSpoutStream(w, s, acc);
    } else {
      AddBoltStream(w, s, acc);
    }
  }
}

int TaskCount(const ExecutorId& e) { return e.second - e.first + 1; }

}  // namespace

bool IsSystemId(const std::string& id) { return id.rfind("__", 0) == 0; }

std::string NormalizeWindow(const std::string& window) {
  for (const char* known : kStatsWindows) {
    if (window == known) return window;
  }
  return kWindowAllTime;
}

double ExecutorCapacity(const ExecutorSummaryInfo& executor) {
  if (!executor.stats || executor.stats->is_spout) return 0;
  const int64_t secs = std::min<int64_t>(600, executor.uptime_secs);
  if (secs <= 0) return 0;
  // Every input stream counts: the executor was busy with tick tuples too.
  Accumulator acc;
  AddExecutor(executor.stats->Window(kWindow10Min), false, true, acc);
  return static_cast<double>(acc.executed) * Accumulator::Average(acc.execute_total, acc.executed) /
         (1000.0 * static_cast<double>(secs));
}

ComponentAggStats AggregateComponent(const std::vector<ExecutorSummaryInfo>& executors,
                                     bool is_spout, const std::string& window, bool include_sys) {
  const std::string w = NormalizeWindow(window);
  ComponentAggStats out;
  out.is_spout = is_spout;
  Accumulator acc;
  for (const ExecutorSummaryInfo& e : executors) {
    ++out.num_executors;
    out.num_tasks += TaskCount(e.executor);
    if (!e.stats) continue;
    AddExecutor(e.stats->Window(w), is_spout, include_sys, acc);
    if (!is_spout) out.capacity = std::max(out.capacity, ExecutorCapacity(e));
  }
  acc.Into(out);
  return out;
}

TopologyWindowTotals AggregateTopology(const std::vector<ExecutorSummaryInfo>& executors,
                                       const std::map<std::string, bool>& is_spout,
                                       const std::string& window, bool include_sys) {
  const std::string w = NormalizeWindow(window);
  Accumulator all;
  Accumulator spouts;
  for (const ExecutorSummaryInfo& e : executors) {
    if (!e.stats || (!include_sys && IsSystemId(e.component))) continue;
    const bool spout = ValueAt(is_spout, e.component);
    Accumulator& acc = spout ? spouts : all;
    AddExecutor(e.stats->Window(w), spout, include_sys, acc);
  }
  TopologyWindowTotals out;
  out.emitted = all.emitted + spouts.emitted;
  out.transferred = all.transferred + spouts.transferred;
  out.acked = spouts.acked;
  out.failed = spouts.failed;
  out.complete_latency_ms = Accumulator::Average(spouts.complete_total, spouts.acked);
  return out;
}

std::map<std::string, ComponentAggStats> AggregateOutputStreams(
    const std::vector<ExecutorSummaryInfo>& executors, bool is_spout, const std::string& window,
    bool include_sys) {
  const std::string w = NormalizeWindow(window);
  std::map<std::string, Accumulator> by_stream;
  for (const ExecutorSummaryInfo& e : executors) {
    if (!e.stats) continue;
    const WindowStats& stats = e.stats->Window(w);
    for (const auto& [stream, n] : stats.emitted) by_stream[stream].emitted += n;
    for (const auto& [stream, n] : stats.transferred) by_stream[stream].transferred += n;
    if (!is_spout) continue;
    for (const StatsStreamId& s : StreamKeys(stats, true)) {
      AddSpoutStream(stats, s, by_stream[s.stream]);
    }
  }
  std::map<std::string, ComponentAggStats> out;
  for (const auto& [stream, acc] : by_stream) {
    if (!include_sys && IsSystemId(stream)) continue;
    ComponentAggStats& s = out[stream];
    s.is_spout = is_spout;
    acc.Into(s);
  }
  return out;
}

std::map<StatsStreamId, ComponentAggStats> AggregateInputStreams(
    const std::vector<ExecutorSummaryInfo>& executors, const std::string& window,
    bool include_sys) {
  const std::string w = NormalizeWindow(window);
  std::map<StatsStreamId, Accumulator> by_stream;
  for (const ExecutorSummaryInfo& e : executors) {
    if (!e.stats) continue;
    const WindowStats& stats = e.stats->Window(w);
    for (const StatsStreamId& s : StreamKeys(stats, include_sys)) {
      AddBoltStream(stats, s, by_stream[s]);
    }
  }
  std::map<StatsStreamId, ComponentAggStats> out;
  for (const auto& [stream, acc] : by_stream) acc.Into(out[stream]);
  return out;
}

}  // namespace storm
