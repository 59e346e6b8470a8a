// What a worker's heartbeat says about one executor (ExecutorBeatStats,
// common/state/cluster_types.h), made at heartbeat time from the executor's
// cumulative counters (executor_counters.h): Storm's windows 600, 10800 and
// 86400 s through StatsWindows, ":all-time" as the totals themselves.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "common/topology/topology_layout.h"
#include "worker/executor_counters.h"
#include "worker/stats_windows.h"

namespace storm {

class Executor;

// A copy of an executor's counters at one time, per stream index.
struct ExecutorTotals {
  struct Stream {
    int64_t emitted = 0, transferred = 0, executed = 0, acked = 0, failed = 0;
    int64_t latency_count[kLatencyKinds] = {};
    int64_t latency_sum_nanos[kLatencyKinds] = {};
  };
  std::vector<Stream> streams;  // by stream index; empty: all zero
  FailureCauseCounts causes;

  static ExecutorTotals Of(const ExecutorCounters& counters);
  ExecutorTotals operator-(const ExecutorTotals& earlier) const;
};

// The stats of an executor of `component` over one window, from the counts
// in it; streams by name as Storm keys them (spouts by their own stream,
// bolts by input stream). `is_spout` picks the keys and latencies.
WindowStats MakeWindowStats(const TopologyLayout& layout, const std::string& component,
                            bool is_spout, const ExecutorTotals& counts);

// Keeps the windows of a worker's executors between heartbeats.
// Thread safety: none; the heartbeat thread's.
class ExecutorStatsReporter {
 public:
  static constexpr int kBucketsPerWindow = 20;

  explicit ExecutorStatsReporter(const TopologyLayout& layout) : layout_(layout) {}

  // The executor's stats at `now_nanos` (the worker's clock; not earlier
  // than the last call's). The first call for an executor starts its windows.
  ExecutorBeatStats Report(const Executor& executor, int64_t now_nanos);

 private:
  const TopologyLayout& layout_;
  std::map<ExecutorId, StatsWindows<ExecutorTotals>> windows_;
};

}  // namespace storm
