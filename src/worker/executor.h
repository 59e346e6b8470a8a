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

#include "common/util/histogram.h"
#include "common/topology/topology_layout.h"
#include "worker/router.h"
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
  RelaxedCounter batches;      // bolt: input batches taken (executed / batches = mean batch)
  RelaxedCounter acked;        // spout: trees acked; bolt: inputs acked
  RelaxedCounter failed;       // spout: trees failed; bolt: inputs failed
  RelaxedCounter errors;       // exceptions from the user's code
  LatencyHistogram complete_latency;  // spout: emit to ack
};

class Executor;

// The user logic thread's output: the batches being filled. What one turn
// of the thread's loop produced (one input batch executed, one round of
// nextTuple) is handed on at the end of the turn, and a batch that fills up
// mid-turn at once. So batches keep the size of what flows (no tuple waits
// for more to come) and downstream threads are fed continuously; measured,
// this beat holding batches for an age limit both in throughput and in
// latency. Tuples for the acker go in a lane of their own, so that each
// batch usually has one destination and can be passed on whole.
// A batch is handed on by Executor::RouteInline when the executor send
// thread has nothing queued (the common case when the topology is not
// saturated: one thread hand-off and one wake-up less per hop), otherwise
// through the out-queue to the executor send thread. Spouts must never block
// (they must keep draining their acks), so a spout's full out-queue parks
// batches in a bounded overflow and the spout stops calling nextTuple until
// it drains.
class OutBuffer {
 public:
  enum Lane { kData = 0, kAcker = 1, kLanes = 2 };

  // `owner` is the executor whose user logic thread fills this buffer.
  OutBuffer(Executor* owner, bool never_block);
  ~OutBuffer();

  // A slot for a tuple to `task`; the caller fills slot.tuple, then Commit(lane).
  AddressedTuple& Next(int task, Lane lane = kData) {
    TupleBatch*& current = current_[lane];
    if (current == nullptr) current = out_queue_->AcquireEmpty();
    AddressedTuple& slot = current->Append();
    slot.task = task;
    return slot;
  }
  void Commit(Lane lane = kData) {
    if (current_[lane]->full()) FlushLane(lane);
  }
  // Hands every lane's batch on (a no-op when empty).
  void Flush() {
    FlushLane(kData);
    FlushLane(kAcker);
  }
  bool HasOverflow() const { return !overflow_.empty(); }
  // Whether the out-queue has no room for the next overflowed batch.
  bool OverflowBlocked() const {
    return !overflow_.empty() && out_queue_->NoRoomFor(overflow_.front());
  }
  // Moves overflowed batches to the out-queue; true when none is left.
  bool DrainOverflow();

 private:
  void FlushLane(Lane lane);

  Executor* owner_;
  TupleQueue* out_queue_;
  const bool never_block_;
  const std::atomic<bool>* stop_;
  TupleBatch* current_[kLanes] = {nullptr, nullptr};
  std::deque<TupleBatch*> overflow_;
};

class Executor {
 public:
  // `never_block`: the user logic thread must never wait for room in the
  // out-queue (spouts; see OutBuffer).
  Executor(WorkerContext& worker, ExecutorDef def, bool never_block);
  virtual ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  const ExecutorDef& def() const { return def_; }
  TupleQueue& in_queue() { return *in_queue_; }
  TupleQueue& out_queue() { return *out_queue_; }
  const std::atomic<bool>& stop_flag() const { return stop_; }
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

  // On the user logic thread: routes `batch` (and recycles it) as the
  // executor send thread would, when that thread has nothing queued and is
  // not routing; false when it cannot, and the batch is still the caller's.
  // With `may_block` false (spouts) it never waits: a batch with a single
  // destination goes only if that queue has room; a batch for several is
  // split, and a part that does not fit is left to the send thread.
  bool RouteInline(TupleBatch* batch, bool may_block);

 protected:
  // Run on the user logic thread: make the tasks' objects and open/prepare
  // them, loop until stop, then close/cleanup.
  virtual void Init() = 0;
  virtual void Loop() = 0;
  virtual void Shutdown() = 0;

  bool stopping() const { return stop_.load(std::memory_order_relaxed); }
  int64_t TickIntervalNanos(const Config& conf) const;
  // On the user logic thread: an init (spouts), ack or fail (bolts) of the
  // tree `root` from `task`, added to the pack for the tree's acker task
  // (acker/ack_pack.h). `value`: the init's XOR of edges, the ack's input
  // edge XOR new edges; 0 for a fail.
  enum class AckerMessage { kInit = 0, kAck = 1, kFail = 2 };
  void SendToAcker(AckerMessage kind, int task, uint64_t root, uint64_t value);
  // On the user logic thread: hands on what it emitted, the acker packs
  // first (at the end of each turn of its loop).
  void FlushOut();
  // A task's error: counted, logged, and kept for the cluster state.
  void ReportTaskError(int task, const std::string& error);

  WorkerContext& worker_;
  const ExecutorDef def_;
  const TopologyLayout& layout_;
  ExecutorStats stats_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<TupleQueue> in_queue_;
  std::unique_ptr<TupleQueue> out_queue_;
  StreamRouter router_;
  OutBuffer out_;  // the user logic thread's

 private:
  void UserLogicThread();
  void SendThread();
  void RouteBatch(TupleBatch* batch);
  // RouteInline for a spout (holding the flag, the out-queue empty).
  bool RouteWithoutWaiting(TupleBatch* batch);
  // The index in route_queues_ of the queue a task's tuples go to: the
  // in-queue of the local executor running it, or the transfer queue.
  size_t RouteSlot(int task);
  // Passes a batch whose tuples all go to one queue on as it is; false when
  // they do not.
  bool ForwardWhole(TupleBatch* batch);
  void PushRouted(size_t slot);
  void FlushRouted();

  bool TryLockRouting() { return !routing_.exchange(true, std::memory_order_acquire); }
  void UnlockRouting() { routing_.store(false, std::memory_order_release); }

  std::thread user_thread_;
  std::thread send_thread_;
  // Routing state, used by whichever thread holds routing_: the executor
  // send thread while it routes what it popped from the out-queue, or the
  // user logic thread in RouteInline. Holding it across the pop keeps each
  // destination's tuples in emit order. The queues sent to, the batch being
  // filled for each, and each task's queue (index; -1 not seen yet).
  std::atomic<bool> routing_{false};
  std::vector<TupleQueue*> route_queues_;
  std::vector<TupleBatch*> routed_;
  std::vector<int> slot_of_task_;
  // SendToAcker's packs being filled: one per (stream, acker task, source
  // task) seen, reused; few, so found by a linear search.
  struct AckPack {
    int stream_index;
    int acker_task;
    int source_task;
    std::string bytes;
  };
  AckPack* FindAckPack(int stream_index, int acker_task, int source_task);
  void SendAckPack(AckPack& pack);
  std::vector<AckPack> ack_packs_;
  size_t last_pack_ = 0;                 // the index of the pack last appended to
  int acker_streams_[3] = {-1, -1, -1};  // by AckerMessage
  std::vector<int> acker_tasks_;
};

}  // namespace storm
