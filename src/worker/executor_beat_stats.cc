#include "worker/executor_beat_stats.h"

#include "worker/executor.h"

namespace storm {

namespace {

int64_t I(uint64_t v) { return static_cast<int64_t>(v); }

// Streams the runtime adds to every component (acker, ticks): not the
// user's output.
bool IsSystemStream(const std::string& stream) { return stream.rfind("__", 0) == 0; }

double AverageMs(int64_t sum_nanos, int64_t count) {
  return count <= 0 ? 0.0 : static_cast<double>(sum_nanos) / static_cast<double>(count) / 1e6;
}

}  // namespace

ExecutorTotals ExecutorTotals::Of(const ExecutorCounters& c) {
  ExecutorTotals t;
  t.streams.resize(static_cast<size_t>(c.num_streams()));
  for (int i = 0; i < c.num_streams(); ++i) {
    const StreamCounters& s = c.Stream(i);
    Stream& out = t.streams[static_cast<size_t>(i)];
    out.emitted = I(s.emitted.Get());
    out.transferred = I(s.transferred.Get());
    out.executed = I(s.executed.Get());
    out.acked = I(s.acked.Get());
    out.failed = I(s.failed.Get());
    for (int k = 0; k < kLatencyKinds; ++k) {
      out.latency_count[k] = I(s.latency_count[k].Get());
      out.latency_sum_nanos[k] = I(s.latency_sum_nanos[k].Get());
    }
  }
  t.causes.timed_out = I(c.timed_out.Get());
  t.causes.failed_by_bolt = I(c.failed_by_bolt.Get());
  t.causes.failed_by_exception = I(c.failed_by_exception.Get());
  return t;
}

ExecutorTotals ExecutorTotals::operator-(const ExecutorTotals& earlier) const {
  ExecutorTotals d = *this;
  for (size_t i = 0; i < d.streams.size() && i < earlier.streams.size(); ++i) {
    Stream& s = d.streams[i];
    const Stream& e = earlier.streams[i];
    s.emitted -= e.emitted;
    s.transferred -= e.transferred;
    s.executed -= e.executed;
    s.acked -= e.acked;
    s.failed -= e.failed;
    for (int k = 0; k < kLatencyKinds; ++k) {
      s.latency_count[k] -= e.latency_count[k];
      s.latency_sum_nanos[k] -= e.latency_sum_nanos[k];
    }
  }
  d.causes.timed_out -= earlier.causes.timed_out;
  d.causes.failed_by_bolt -= earlier.causes.failed_by_bolt;
  d.causes.failed_by_exception -= earlier.causes.failed_by_exception;
  return d;
}

WindowStats MakeWindowStats(const TopologyLayout& layout, const std::string& component,
                            bool is_spout, const ExecutorTotals& counts) {
  WindowStats w;
  for (size_t i = 0; i < counts.streams.size(); ++i) {
    const ExecutorTotals::Stream& s = counts.streams[i];
    const TupleSchema& schema = layout.Schema(static_cast<int>(i));
    // Own output streams are listed even when nothing was emitted yet.
    if (schema.component == component && !IsSystemStream(schema.stream)) {
      w.emitted[schema.stream] += s.emitted;
      w.transferred[schema.stream] += s.transferred;
    } else {
      if (s.emitted != 0) w.emitted[schema.stream] += s.emitted;
      if (s.transferred != 0) w.transferred[schema.stream] += s.transferred;
    }
    const StatsStreamId id = is_spout ? StatsStreamId{"", schema.stream}
                                      : StatsStreamId{schema.component, schema.stream};
    if (s.acked != 0) w.acked[id] += s.acked;
    if (s.failed != 0) w.failed[id] += s.failed;
    if (s.executed != 0) w.executed[id] += s.executed;
    if (is_spout) {
      const int k = kCompleteLatency;
      if (s.latency_count[k] > 0) {
        w.complete_ms_avg[id] = AverageMs(s.latency_sum_nanos[k], s.latency_count[k]);
      }
    } else {
      if (s.latency_count[kExecuteLatency] > 0) {
        w.execute_ms_avg[id] =
            AverageMs(s.latency_sum_nanos[kExecuteLatency], s.latency_count[kExecuteLatency]);
      }
      if (s.latency_count[kProcessLatency] > 0) {
        w.process_ms_avg[id] =
            AverageMs(s.latency_sum_nanos[kProcessLatency], s.latency_count[kProcessLatency]);
      }
    }
  }
  w.failure_causes = counts.causes;
  return w;
}

ExecutorBeatStats ExecutorStatsReporter::Report(const Executor& executor, int64_t now_nanos) {
  const ExecutorDef& def = executor.def();
  const ExecutorTotals totals = ExecutorTotals::Of(executor.counters());
  auto it = windows_.find({def.first_task, def.last_task});
  if (it == windows_.end()) {
    it = windows_
             .emplace(ExecutorId{def.first_task, def.last_task},
                      StatsWindows<ExecutorTotals>({600, 10800, 86400}, kBucketsPerWindow,
                                                   now_nanos))
             .first;
  }
  StatsWindows<ExecutorTotals>& windows = it->second;
  windows.Update(now_nanos, totals);

  ExecutorBeatStats out;
  out.is_spout = executor.is_spout();
  const char* names[] = {kWindow10Min, kWindow3Hours, kWindow1Day};
  for (size_t i = 0; i < windows.size(); ++i) {
    out.windows[names[i]] =
        MakeWindowStats(layout_, def.component, out.is_spout, windows.Delta(i, totals));
  }
  out.windows[kWindowAllTime] = MakeWindowStats(layout_, def.component, out.is_spout, totals);
  out.queue = executor.InQueueStats();
  out.task_metrics = executor.TaskMetrics();
  for (int k = 0; k < kLatencyKinds; ++k) {
    const LatencyHistogram& h = executor.counters().latency[k];
    std::map<int, int64_t> buckets;
    for (int b = 0; b < LatencyHistogram::kBuckets; ++b) {
      const uint64_t n = h.BucketCount(b);
      if (n != 0) buckets[b] = I(n);
    }
    if (buckets.empty()) continue;
    out.latency_buckets[kLatencyKindNames[k]] = std::move(buckets);
  }
  return out;
}

}  // namespace storm
