#include "worker/executor_transfer.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace storm {

ExecutorTransfer::ExecutorTransfer(WorkerContext& worker, TupleQueue& out_queue,
                                   const std::atomic<bool>& stop, bool never_block)
    : worker_(worker), out_queue_(out_queue), stop_(stop), never_block_(never_block) {
  slot_of_task_.assign(static_cast<size_t>(worker.layout->max_task()) + 1, -1);
}

ExecutorTransfer::~ExecutorTransfer() {
  for (TupleBatch* b : current_) {
    if (b != nullptr) out_queue_.Recycle(b);
  }
  for (TupleBatch* b : overflow_) out_queue_.Recycle(b);
}

void ExecutorTransfer::FlushLane(Lane lane) {
  TupleBatch* batch = current_[lane];
  if (batch == nullptr) return;
  current_[lane] = nullptr;
  if (overflow_.empty() && RouteInline(batch, !never_block_)) return;
  if (!overflow_.empty() || !out_queue_.TryPush(batch)) {
    if (never_block_) {
      overflow_.push_back(batch);
      return;
    }
    if (!out_queue_.Push(batch, stop_)) out_queue_.Recycle(batch);  // stopping: dropped
  }
}

bool ExecutorTransfer::DrainOverflow() {
  while (!overflow_.empty() && out_queue_.TryPush(overflow_.front())) overflow_.pop_front();
  return overflow_.empty();
}

bool ExecutorTransfer::RouteQueued() {
  if (!TryLockRouting()) return false;
  while (TupleBatch* batch = out_queue_.TryPop()) {
    if (batch->empty()) {
      // A wake-up from RouteWithoutWaiting: parts of a batch wait in
      // routed_ for room, and go before what follows.
      out_queue_.Recycle(batch);
    } else if (!ForwardWhole(batch)) {
      RouteBatch(batch);
      out_queue_.Recycle(batch);
    }
  }
  // Nothing more right now: hand on what is batched so latency stays low.
  FlushRouted();
  UnlockRouting();
  return true;
}

void ExecutorTransfer::DropRouted() {
  // The user logic thread may still be routing inline.
  while (!TryLockRouting()) std::this_thread::yield();
  for (size_t i = 0; i < routed_.size(); ++i) {
    if (routed_[i] != nullptr) route_queues_[i]->Recycle(routed_[i]);
    routed_[i] = nullptr;
  }
  UnlockRouting();
}

bool ExecutorTransfer::RouteInline(TupleBatch* batch, bool may_block) {
  // Only the user logic thread pushes to the out-queue, so once it is seen
  // empty it stays so; holding routing_ then means every batch before this
  // one has been routed.
  if (!out_queue_.Empty() || !TryLockRouting()) return false;
  bool routed = true;
  if (may_block) {
    if (!ForwardWhole(batch)) {
      RouteBatch(batch);
      out_queue_.Recycle(batch);
    }
    FlushRouted();
  } else {
    routed = RouteWithoutWaiting(batch);
  }
  UnlockRouting();
  return routed;
}

bool ExecutorTransfer::RouteWithoutWaiting(TupleBatch* batch) {
  const size_t slot = RouteSlot((*batch)[0].task);
  bool single = true;
  for (size_t i = 1; i < batch->size() && single; ++i) {
    single = RouteSlot((*batch)[i].task) == slot;
  }
  // A batch still filled for that queue goes first, and the send thread is
  // the one to wait for room.
  if (single) return routed_[slot] == nullptr && route_queues_[slot]->TryPush(batch);
  // Several destinations (a spout feeding several tasks): the batch is split
  // and each part pushed if its queue has room. The send thread flushes what
  // it routed before it lets go of the flag, so nothing is batched yet (but
  // after a stop).
  for (const TupleBatch* b : routed_) {
    if (b != nullptr) return false;
  }
  RouteBatch(batch);  // no part fills up: each is smaller than the batch
  bool left = false;
  for (size_t s = 0; s < routed_.size(); ++s) {
    if (routed_[s] == nullptr) continue;
    if (route_queues_[s]->TryPush(routed_[s])) {
      routed_[s] = nullptr;
    } else {
      left = true;
    }
  }
  batch->Clear();
  // A part that did not fit stays batched for the send thread, which waits
  // for room; an empty batch in the out-queue wakes it (the queue is empty
  // and only this thread pushes to it, so there is a slot).
  if (!left || !out_queue_.TryPush(batch)) out_queue_.Recycle(batch);
  return true;
}

size_t ExecutorTransfer::RouteSlot(int task) {
  const bool known = task > 0 && static_cast<size_t>(task) < slot_of_task_.size();
  if (known && slot_of_task_[task] >= 0) return static_cast<size_t>(slot_of_task_[task]);
  // A task in another worker goes through the worker's transfer queue.
  TupleQueue* queue = worker_.LocalInQueue(task);
  if (queue == nullptr) queue = worker_.transfer_queue;
  auto it = std::find(route_queues_.begin(), route_queues_.end(), queue);
  const auto slot = static_cast<size_t>(it - route_queues_.begin());
  if (it == route_queues_.end()) {
    route_queues_.push_back(queue);
    routed_.push_back(nullptr);
  }
  if (known) slot_of_task_[task] = static_cast<int>(slot);
  return slot;
}

bool ExecutorTransfer::ForwardWhole(TupleBatch* batch) {
  const size_t slot = RouteSlot((*batch)[0].task);
  for (size_t i = 1; i < batch->size(); ++i) {
    if (RouteSlot((*batch)[i].task) != slot) return false;
  }
  PushRouted(slot);  // what was routed there before goes first
  TupleQueue* queue = route_queues_[slot];
  if (!queue->Push(batch, stop_)) queue->Recycle(batch);
  return true;
}

void ExecutorTransfer::RouteBatch(TupleBatch* batch) {
  for (size_t i = 0; i < batch->size(); ++i) {
    AddressedTuple& item = (*batch)[i];
    const size_t slot = RouteSlot(item.task);
    TupleBatch*& target = routed_[slot];
    if (target == nullptr) target = route_queues_[slot]->AcquireEmpty();
    AddressedTuple& dest = target->Append();
    dest.task = item.task;
    std::swap(dest.tuple, item.tuple);  // storage circulates, nothing is copied
    if (target->full()) PushRouted(slot);
  }
}

void ExecutorTransfer::PushRouted(size_t slot) {
  TupleBatch*& batch = routed_[slot];
  if (batch == nullptr) return;
  if (!route_queues_[slot]->Push(batch, stop_)) route_queues_[slot]->Recycle(batch);
  batch = nullptr;
}

void ExecutorTransfer::FlushRouted() {
  for (size_t i = 0; i < routed_.size(); ++i) PushRouted(i);
}

}  // namespace storm
