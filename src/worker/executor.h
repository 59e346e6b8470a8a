// Executor: the threads that run the tasks of one component in a worker
// (the paper's worker figure; docs/architecture.md#inside-a-worker):
//   - the user logic thread takes batches from the executor's in-queue and
//     calls the tasks' spout or bolt; emits go into batches of
//     (destination task, tuple) appended to the executor's out-queue (or
//     routed on this thread at once while the send thread is idle);
//   - the executor send thread drains the out-queue and puts each tuple in
//     the in-queue of the local executor that owns its destination task, or
//     in the worker's global transfer queue when the task is remote.
// That way from emit to the next queue is the ExecutorTransfer's
// (executor_transfer.h); the packs of messages to the acker are the
// AckerOutbox's (acker_outbox.h). SpoutExecutor and BoltExecutor supply the
// user logic loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/topology/topology_layout.h"
#include "common/state/cluster_types.h"
#include "common/util/histogram.h"
#include "worker/acker_outbox.h"
#include "worker/error_throttle.h"
#include "worker/executor_counters.h"
#include "worker/executor_transfer.h"
#include "worker/router.h"
#include "worker/task_context.h"
#include "worker/worker_context.h"

namespace storm {

class Executor {
 public:
  // `never_block`: the user logic thread must never wait for room in the
  // out-queue (spouts; see ExecutorTransfer).
  Executor(WorkerContext& worker, ExecutorDef def, bool never_block);
  virtual ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  const ExecutorDef& def() const { return def_; }
  TupleQueue& in_queue() { return *in_queue_; }
  // The counts so far; any thread may read them.
  const ExecutorCounters& counters() const { return counters_; }
  virtual bool is_spout() const { return false; }

  // Starts the user logic and executor send threads.
  void Start();
  // Asks both threads to stop (after the user's close/cleanup) and joins them.
  void Stop();
  // Spouts only: whether nextTuple is called (topology active).
  virtual void SetActive(bool active) { (void)active; }
  // Spouts only: the last SetActive the user logic thread has taken (the
  // spouts' activate or deactivate called): from then on nextTuple is
  // called, or not. What tests wait for, rather than for time.
  virtual bool Active() const { return true; }
  size_t InQueueDepth() const { return in_queue_->SizeApprox(); }
  size_t OutQueueDepth() const { return out_queue_->SizeApprox(); }
  // Spouts only: tuple trees in flight.
  virtual size_t PendingCount() const { return 0; }
  // The in-queue now, in tuples: its population, its capacity
  // (topology.executor.receive.buffer.size) and whether it is over its
  // high watermark (kHighWatermark of the capacity, or out of slots): then
  // senders to it are held back. Any thread.
  QueueStats InQueueStats() const;
  // The metrics the tasks registered (TopologyContext::registerCounter...),
  // read now. Any thread; a gauge's function runs on the caller's.
  std::vector<TaskMetricSample> TaskMetrics() const;
  // Nimbus's debug switch for this executor's component: every emit in
  // roughly `percent` of 100 goes to the worker's EventLog (one every
  // round(100 / percent) emits); 0 stops. Any thread.
  void SetEventSampling(double percent);
  double EventSamplingPercent() const;

  // Storm 1's backpressure.disruptor.high.watermark.
  static constexpr double kHighWatermark = 0.9;

 protected:
  // Run on the user logic thread: make the tasks' objects and open/prepare
  // them, loop until stop, then close/cleanup.
  virtual void Init() = 0;
  virtual void Loop() = 0;
  virtual void Shutdown() = 0;

  bool stopping() const { return stop_.load(std::memory_order_relaxed); }
  int64_t TickIntervalNanos(const Config& conf) const;
  // On the user logic thread: hands on what it emitted, the acker packs
  // first (at the end of each turn of its loop).
  void FlushOut();
  // A task's error: counted, logged, and kept for the cluster state unless
  // more than topology.max.error.report.per.interval came in this
  // topology.error.throttle.interval.secs (then only logged, as Storm).
  // The user logic thread's.
  void ReportTaskError(int task, const std::string& error);
  // On the user logic thread, in each emit: whether debug sampling is on
  // (one relaxed load), then the sampling itself, out of line.
  bool SamplingEvents() const { return event_every_.load(std::memory_order_relaxed) != 0; }
  void SampleEvent(int task_id, const TupleSchema& schema, const Values& values,
                   const Value* message_id);
  // The TopologyContext of the task at `index` (0 is def().first_task).
  TaskContext& context(int index) { return *contexts_[static_cast<size_t>(index)]; }

  WorkerContext& worker_;
  const ExecutorDef def_;
  const TopologyLayout& layout_;
  ExecutorCounters counters_;
  // One per task, made with the executor (before its threads start), so
  // that other threads may read their metrics at any time.
  std::vector<std::unique_ptr<TaskContext>> contexts_;
  ErrorThrottle error_throttle_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<TupleQueue> in_queue_;
  std::unique_ptr<TupleQueue> out_queue_;
  StreamRouter router_;
  ExecutorTransfer transfer_;
  AckerOutbox acker_outbox_;  // the user logic thread's

 private:
  void UserLogicThread();
  void SendThread();
  std::atomic<uint32_t> event_every_{0};  // log one emit in this many; 0: none
  uint32_t event_countdown_ = 1;          // the user logic thread's
  // The executor's two threads (the paper's): the user logic thread runs
  // Init, Loop and Shutdown; the executor send thread routes what the
  // out-queue holds (ExecutorTransfer::RouteQueued).
  std::thread user_thread_;
  std::thread send_thread_;
};

}  // namespace storm
