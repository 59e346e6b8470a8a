// TupleQueue: a BatchQueue of tuple batches that also recycles them. A
// batch taken with AcquireEmpty belongs to that queue (its home) and, once
// consumed (wherever it travelled: the executor send thread may pass a batch
// on whole to another queue), goes back to its home's recycling ring, where
// the same producer finds it again. Batches so circulate without touching
// the shared BatchPool (and its mutex) in steady state; the pool is the
// fallback when a ring is empty or full.
#pragma once

#include <string>

#include "worker/batch_queue.h"
#include "worker/tuple_batch.h"

namespace storm {

class TupleQueue : public BatchQueue<TupleBatch> {
 public:
  // Holds at most `slots` batches and about `max_tuples` tuples.
  TupleQueue(std::string name, size_t slots, size_t max_tuples, BatchPool* pool)
      : BatchQueue<TupleBatch>(std::move(name), slots, max_tuples), pool_(pool),
        free_("free", slots + 4) {}

  TupleBatch* AcquireEmpty() {
    TupleBatch* b = free_.TryPop();
    if (b == nullptr) b = pool_->Acquire();
    b->set_home(this);
    return b;
  }
  // Returns a consumed batch to its home queue's ring (this queue's when it
  // has none), or to the pool.
  void Recycle(TupleBatch* batch) {
    batch->Clear();
    TupleQueue* home = batch->home() != nullptr ? batch->home() : this;
    if (!home->free_.TryPush(batch)) pool_->Release(batch);
  }
  BatchPool* pool() const { return pool_; }

  ~TupleQueue() {
    while (TupleBatch* b = free_.TryPop()) pool_->Release(b);
    while (TupleBatch* b = TryPop()) pool_->Release(b);
  }

 private:
  BatchPool* pool_;
  BatchQueue<TupleBatch> free_;
};

}  // namespace storm
