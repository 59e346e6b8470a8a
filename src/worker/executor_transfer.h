// ExecutorTransfer: how the tuples an executor emits reach the next queue (the
// paper's worker figure; docs/architecture.md#inside-a-worker). The user logic
// thread batches its emits; each batch is routed tuple by tuple to the
// in-queue of the local executor that owns the tuple's destination task, or to
// the worker's global transfer queue when that task runs in another worker.
//
// Threads, and what each may call:
//   - the executor's user logic thread fills batches (Next, Commit) and
//     hands them on (Flush) at the end of each turn of its loop (one input
//     batch executed, one round of nextTuple), and a batch that fills up
//     mid-turn at once. It routes a batch itself (inline) when the executor
//     send thread has nothing queued and is not routing: the common case
//     when the topology is not saturated, one thread hand-off and one
//     wake-up less per hop. Otherwise the batch goes into the executor's
//     out-queue, of which this thread is the only producer;
//   - the executor send thread routes what is in the out-queue (RouteQueued)
//     and, once stopped, drops what it had batched (DropRouted).
// The routing flag (routing_) says which of the two routes now: whoever holds
// it owns the routing state (route_queues_, routed_, slot_of_task_). The send
// thread takes it only when the out-queue is not empty and holds it across
// its pops, so that each destination gets its tuples in emit order: once the
// user logic thread has seen the out-queue empty and holds the flag, every
// batch before its own has been routed.
//
// Batches keep the size of what flows (no tuple waits for more to come) and
// downstream threads are fed continuously; measured, this beat holding
// batches for an age limit both in throughput and in latency. Tuples for
// the acker go in a lane of their own, so that each batch usually has one
// destination and can be passed on whole.
//
// A bolt's user logic thread blocks while a queue it hands on to is full:
// that is the backpressure that reaches the spouts. A spout's never does
// (`never_block`; it must keep draining its acks): a batch the out-queue has
// no room for is parked in a bounded overflow, and the spout stops calling
// nextTuple until that drains (HasOverflow, DrainOverflow).
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <vector>

#include "worker/tuple_batch.h"
#include "worker/tuple_queue.h"
#include "worker/worker_context.h"

namespace storm {

class ExecutorTransfer {
 public:
  enum Lane { kData = 0, kAcker = 1, kLanes = 2 };

  // `out_queue`: the executor's, between its user logic and send threads;
  // `stop`: the executor's stop flag (a thread waiting for room gives up
  // once it is set, dropping the batch). All outlive this object.
  ExecutorTransfer(WorkerContext& worker, TupleQueue& out_queue, const std::atomic<bool>& stop,
                   bool never_block);
  ~ExecutorTransfer();
  ExecutorTransfer(const ExecutorTransfer&) = delete;
  ExecutorTransfer& operator=(const ExecutorTransfer&) = delete;

  // --- The user logic thread.

  // A slot for a tuple to `task`; the caller fills slot.tuple, then Commit(lane).
  AddressedTuple& Next(int task, Lane lane = kData) {
    TupleBatch*& current = current_[lane];
    if (current == nullptr) current = out_queue_.AcquireEmpty();
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
    return !overflow_.empty() && out_queue_.NoRoomFor(overflow_.front());
  }
  // Moves overflowed batches to the out-queue; true when none is left.
  bool DrainOverflow();

  // --- The executor send thread.

  // Routes every batch in the out-queue and hands on what that batched.
  // False, having done nothing, when the user logic thread holds the flag
  // (it is about to hand on through the out-queue: try again). Call only
  // when the out-queue is not empty: an idle send thread taking the flag to
  // look would push the user logic thread's batches into the out-queue and
  // so take the routing over for good.
  bool RouteQueued();
  // After the send thread's loop: gives back what is still batched (waiting
  // for the user logic thread to finish routing inline first).
  void DropRouted();

 private:
  void FlushLane(Lane lane);
  // Routes `batch` (and recycles it) as the executor send thread would,
  // when that thread has nothing queued and is not routing; false when it
  // cannot, and the batch is still the caller's. With `may_block` false
  // (spouts) it never waits: a batch with a single destination goes only if
  // that queue has room; a batch for several is split, and a part that does
  // not fit is left to the send thread.
  bool RouteInline(TupleBatch* batch, bool may_block);
  // RouteInline for a spout (holding the flag, the out-queue empty).
  bool RouteWithoutWaiting(TupleBatch* batch);
  // The index in route_queues_ of the queue a task's tuples go to: the
  // in-queue of the local executor running it, or the transfer queue.
  size_t RouteSlot(int task);
  // Passes a batch whose tuples all go to one queue on as it is; false when
  // they do not.
  bool ForwardWhole(TupleBatch* batch);
  // Moves each tuple of `batch` into the batch being filled for its queue.
  void RouteBatch(TupleBatch* batch);
  void PushRouted(size_t slot);
  void FlushRouted();

  bool TryLockRouting() { return !routing_.exchange(true, std::memory_order_acquire); }
  void UnlockRouting() { routing_.store(false, std::memory_order_release); }

  WorkerContext& worker_;
  TupleQueue& out_queue_;
  const std::atomic<bool>& stop_;
  const bool never_block_;

  // The user logic thread's: the batch being filled per lane, and (spouts)
  // the batches the out-queue had no room for, oldest first.
  TupleBatch* current_[kLanes] = {nullptr, nullptr};
  std::deque<TupleBatch*> overflow_;

  // Whoever holds routing_ (see above): the queues sent to, the batch being
  // filled for each, and each task's queue (an index; -1 not seen yet).
  std::atomic<bool> routing_{false};
  std::vector<TupleQueue*> route_queues_;
  std::vector<TupleBatch*> routed_;
  std::vector<int> slot_of_task_;
};

}  // namespace storm
