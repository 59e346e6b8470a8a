// Executor: the threads that run the tasks of one component in a worker
// (DESIGN section 2, the paper's figure):
//   - the user logic thread takes batches from the executor's in-queue and
//     calls the tasks' spout or bolt; emits go into batches of
//     (destination task, tuple) appended to the executor's out-queue;
//   - the executor send thread drains the out-queue and puts each tuple in
//     the in-queue of the local executor that owns its destination task, or
//     in the worker's global transfer queue when the task is remote.
// SpoutExecutor and BoltExecutor supply the user logic loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/histogram.h"
#include "common/topology_layout.h"
#include "worker/worker_context.h"

namespace storm {

// A counter written by one thread and read by any: a relaxed load and store
// (no locked instruction on the hot path).
class RelaxedCounter {
 public:
  void Add(uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

struct ExecutorStats {
  RelaxedCounter emitted;      // tuples emitted by the user's code
  RelaxedCounter transferred;  // (tuple, target task) pairs sent on
  RelaxedCounter executed;     // bolt: inputs executed
  RelaxedCounter acked;        // spout: trees acked; bolt: inputs acked
  RelaxedCounter failed;       // spout: trees failed; bolt: inputs failed
  RelaxedCounter errors;       // exceptions from the user's code
  LatencyHistogram complete_latency;  // spout: emit to ack
};

// The user logic thread's output: the batch being filled, handed to the
// out-queue when full, when the thread is about to park, or when its first
// tuple is older than topology.batch.flush.interval.millis (the owner
// checks Age). Spouts must never block (they must keep draining their
// acks), so a spout's full out-queue parks batches in a bounded overflow
// and the spout stops calling nextTuple until it drains.
class OutBuffer {
 public:
  OutBuffer(Clock* clock, TupleQueue* out_queue, bool never_block, const std::atomic<bool>* stop)
      : clock_(clock), out_queue_(out_queue), never_block_(never_block), stop_(stop) {}
  ~OutBuffer();

  // A slot for a tuple to `task`; the caller fills slot.tuple, then Commit().
  AddressedTuple& Next(int task) {
    if (current_ == nullptr) {
      current_ = out_queue_->AcquireEmpty();
      started_nanos_ = clock_->NowNanos();
    }
    AddressedTuple& slot = current_->Append();
    slot.task = task;
    return slot;
  }
  void Commit() {
    if (current_->full()) Flush();
  }
  // Hands the current batch on (a no-op when empty).
  void Flush();
  bool HasOverflow() const { return !overflow_.empty(); }
  // Moves overflowed batches to the out-queue; true when none is left.
  bool DrainOverflow();
  bool HasPending() const { return current_ != nullptr && !current_->empty(); }
  // Flushes when the batch being filled started at least `max_age` ago.
  void FlushIfOlder(int64_t now_nanos, int64_t max_age_nanos) {
    if (HasPending() && now_nanos - started_nanos_ >= max_age_nanos) Flush();
  }

 private:
  Clock* clock_;
  int64_t started_nanos_ = 0;
  TupleQueue* out_queue_;
  const bool never_block_;
  const std::atomic<bool>* stop_;
  TupleBatch* current_ = nullptr;
  std::deque<TupleBatch*> overflow_;
};

class Executor {
 public:
  Executor(WorkerContext& worker, ExecutorDef def);
  virtual ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  const ExecutorDef& def() const { return def_; }
  TupleQueue& in_queue() { return *in_queue_; }
  const ExecutorStats& stats() const { return stats_; }
  virtual bool is_spout() const { return false; }

  // Starts the user logic and executor send threads.
  void Start();
  // Asks both threads to stop (after the user's close/cleanup) and joins them.
  void Stop();
  // Spouts only: whether nextTuple is called (topology active).
  virtual void SetActive(bool active) { (void)active; }
  size_t InQueueDepth() const { return in_queue_->SizeApprox(); }
  size_t OutQueueDepth() const { return out_queue_->SizeApprox(); }
  // Spouts only: tuple trees in flight.
  virtual size_t PendingCount() const { return 0; }

 protected:
  // Run on the user logic thread: make the tasks' objects and open/prepare
  // them, loop until stop, then close/cleanup.
  virtual void Init() = 0;
  virtual void Loop() = 0;
  virtual void Shutdown() = 0;

  bool stopping() const { return stop_.load(std::memory_order_relaxed); }
  int64_t TickIntervalNanos(const Config& conf) const;
  // topology.batch.flush.interval.millis, in nanoseconds.
  int64_t FlushIntervalNanos() const;

  WorkerContext& worker_;
  const ExecutorDef def_;
  const TopologyLayout& layout_;
  ExecutorStats stats_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<TupleQueue> in_queue_;
  std::unique_ptr<TupleQueue> out_queue_;

 private:
  void UserLogicThread();
  void SendThread();
  void RouteBatch(TupleBatch* batch);
  void FlushRouted();

  std::thread user_thread_;
  std::thread send_thread_;
  // Executor send thread's state: the batch being filled per local
  // destination queue, and for the transfer queue.
  std::vector<TupleBatch*> routed_;           // indexed like route_queues_
  std::vector<TupleQueue*> route_queues_;     // local in-queues seen so far
  std::vector<int> queue_slot_of_task_;       // task -> index in route_queues_, -1 unknown
  TupleBatch* transfer_batch_ = nullptr;
};

void SetThreadName(const std::string& name);

}  // namespace storm
