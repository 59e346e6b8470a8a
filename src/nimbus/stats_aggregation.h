// Storm's stats aggregation (StatsUtil): from the windowed per-stream stats
// workers put in their heartbeats (ExecutorBeatStats) to what the UI shows
// for a topology, a component, a stream or an executor. Plain functions over
// domain types; Nimbus's Thrift adapter turns the results into Storm's
// ComponentAggregateStats, TopologyStats, ...
//
// Storm's rules, kept here:
// - counts are sums over executors and streams;
// - latencies are averages weighted by the count they were measured over:
//   a spout's complete latency by acked, a bolt's execute latency by
//   executed and its process latency by acked;
// - capacity (bolts) is, per executor, executed * execute latency /
//   (1000 * min(600, executor uptime secs)) over the "600" window, and a
//   component's is the largest of its executors';
// - system components and streams (ids starting with "__": the acker,
//   "__ack_init", the "__system" tick stream) count only when include_sys;
// - a window Storm does not know reads as ":all-time".
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"

namespace storm {

// One executor as its topology runs it: where, since when, and its stats
// when its worker reported them.
struct ExecutorSummaryInfo {
  ExecutorId executor;
  std::string component;
  std::string host;
  int port = 0;
  int64_t uptime_secs = 0;  // since it was assigned
  std::optional<ExecutorBeatStats> stats;
};

// A component's (or a stream's, or an executor's) stats over one window:
// Storm's ComponentAggregateStats. Latencies are in milliseconds, 0 when
// nothing was measured.
struct ComponentAggStats {
  bool is_spout = false;
  int num_executors = 0;
  int num_tasks = 0;
  int64_t emitted = 0;
  int64_t transferred = 0;
  int64_t acked = 0;
  int64_t failed = 0;
  double complete_latency_ms = 0;  // spouts
  int64_t executed = 0;            // bolts
  double execute_latency_ms = 0;   // bolts
  double process_latency_ms = 0;   // bolts
  double capacity = 0;             // bolts
  std::optional<ErrorRecordInfo> last_error;
};

// A topology over one window (Storm's TopologyStats for one window key):
// emitted and transferred by every component, acked, failed and complete
// latency as its spouts see the tuple trees.
struct TopologyWindowTotals {
  int64_t emitted = 0;
  int64_t transferred = 0;
  int64_t acked = 0;
  int64_t failed = 0;
  double complete_latency_ms = 0;
};

// Storm's Utils.isSystemId: "__acker", "__ack_init", "__system", ...
bool IsSystemId(const std::string& id);

// `window` when Storm knows it, else ":all-time".
std::string NormalizeWindow(const std::string& window);

// The executor's capacity over the "600" window (0 without stats or uptime).
double ExecutorCapacity(const ExecutorSummaryInfo& executor);

// The stats of `executors` (all of one component, spout or bolt) over
// `window`; num_executors and num_tasks count them. last_error is not set.
ComponentAggStats AggregateComponent(const std::vector<ExecutorSummaryInfo>& executors,
                                     bool is_spout, const std::string& window, bool include_sys);

// The topology's totals over `window`; `is_spout` tells a component's kind.
TopologyWindowTotals AggregateTopology(const std::vector<ExecutorSummaryInfo>& executors,
                                       const std::map<std::string, bool>& is_spout,
                                       const std::string& window, bool include_sys);

// Per output stream of one component: emitted and transferred, and for a
// spout acked, failed and complete latency (a spout's acks are kept by the
// stream the tuple was emitted on). num_executors/num_tasks are not set.
std::map<std::string, ComponentAggStats> AggregateOutputStreams(
    const std::vector<ExecutorSummaryInfo>& executors, bool is_spout, const std::string& window,
    bool include_sys);

// Per input stream of one bolt: acked, failed, executed, execute and process
// latency. num_executors/num_tasks are not set.
std::map<StatsStreamId, ComponentAggStats> AggregateInputStreams(
    const std::vector<ExecutorSummaryInfo>& executors, const std::string& window,
    bool include_sys);

}  // namespace storm
