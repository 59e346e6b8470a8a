// ExecutorCounters: what an executor counts on its hot path, per stream, as
// cumulative totals since it started. Streams are dense indexes: the
// topology-wide stream index of TopologyLayout (an emit's output stream, an
// input's stream), so that a count is an array increment, never a map
// lookup or an allocation. Windows (600 s, 3 h, 1 day) are made from these
// totals off the hot path, at heartbeat time (stats_windows.h).
//
// Thread safety: each counter has one writer, the executor's user logic
// thread; any thread may read (relaxed atomics: a reader sees each counter
// some time between two heartbeats, not all of them at one instant).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "common/util/histogram.h"

namespace storm {

// A counter written by one thread and read by any: a relaxed load and store
// (no locked instruction on the hot path).
class RelaxedCounter {
 public:
  void Add(uint64_t n) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// The latencies Storm reports: a spout's complete latency (emit to the
// tree's ack), a bolt's execute latency (time in execute) and process
// latency (from the start of execute to the ack of that input).
enum LatencyKind { kCompleteLatency = 0, kExecuteLatency = 1, kProcessLatency = 2, kLatencyKinds };
inline constexpr const char* kLatencyKindNames[kLatencyKinds] = {"complete", "execute",
                                                                 "process"};

// One stream's counts. As an output stream (emitted, transferred); as a
// bolt's input stream or a spout's own output stream (executed, acked,
// failed and the sampled latencies).
struct StreamCounters {
  RelaxedCounter emitted;      // tuples emitted by the user's code
  RelaxedCounter transferred;  // (tuple, target task) pairs sent on
  RelaxedCounter executed;     // bolt: inputs executed
  RelaxedCounter acked;        // spout: trees acked; bolt: inputs acked
  RelaxedCounter failed;       // spout: trees failed; bolt: inputs failed
  RelaxedCounter latency_count[kLatencyKinds];       // sampled tuples timed
  RelaxedCounter latency_sum_nanos[kLatencyKinds];   // their total latency
};

class ExecutorCounters {
 public:
  // `num_streams`: the topology's (TopologyLayout::num_streams). One more
  // slot counts tuples of no known stream (made outside the runtime).
  explicit ExecutorCounters(int num_streams)
      : num_streams_(num_streams), streams_(new StreamCounters[num_streams + 1]) {}

  int num_streams() const { return num_streams_; }
  // The counters of a stream index; -1 (or out of range) is the unknown slot.
  StreamCounters& Stream(int index) {
    return streams_[static_cast<unsigned>(index) < static_cast<unsigned>(num_streams_)
                        ? index
                        : num_streams_];
  }
  const StreamCounters& Stream(int index) const {
    return const_cast<ExecutorCounters*>(this)->Stream(index);
  }

  // A sampled latency of a stream: its average and the all-time histogram.
  void RecordLatency(LatencyKind kind, int stream, int64_t nanos) {
    if (nanos < 0) nanos = 0;
    StreamCounters& s = Stream(stream);
    s.latency_count[kind].Add(1);
    s.latency_sum_nanos[kind].Add(static_cast<uint64_t>(nanos));
    latency[kind].Record(nanos);
  }

  // Sums over every stream (the unknown slot included).
  uint64_t Sum(RelaxedCounter StreamCounters::*counter) const {
    uint64_t n = 0;
    for (int i = 0; i <= num_streams_; ++i) n += (streams_[i].*counter).Get();
    return n;
  }

  // Why tuples failed, where it happened.
  RelaxedCounter timed_out;            // spout: trees past the message timeout
  RelaxedCounter failed_by_bolt;       // bolt: inputs the user's code failed
  RelaxedCounter failed_by_exception;  // bolt: inputs failed because execute threw
  RelaxedCounter batches;              // bolt: input batches taken
  RelaxedCounter errors;               // errors reported by the tasks
  LatencyHistogram latency[kLatencyKinds];  // all-time, of the sampled tuples

 private:
  const int num_streams_;
  std::unique_ptr<StreamCounters[]> streams_;
};

// Decides which tuples are timed, as Storm's topology.stats.sample.rate:
// every Nth (N = 1 / rate), a countdown rather than a random number per
// tuple. One thread's.
class StatsSampler {
 public:
  // rate in [0, 1]; 0 never samples.
  explicit StatsSampler(double rate) {
    every_ = rate <= 0 ? 0 : static_cast<uint32_t>(rate >= 1 ? 1 : 1.0 / rate + 0.5);
    left_ = every_;
  }
  bool Next() {
    if (--left_ != 0) return false;
    left_ = every_;
    return every_ != 0;
  }
  uint32_t every() const { return every_; }

 private:
  uint32_t every_ = 0;
  uint32_t left_ = 0;
};

}  // namespace storm
