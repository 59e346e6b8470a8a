// TupleQueue: a BatchQueue of tuple batches that also recycles them. Whoever
// consumes a batch gives it back to the queue it came from (Recycle), and
// whoever fills a batch for that queue takes it from there (AcquireEmpty),
// so batches circulate between the two ends without touching the shared
// BatchPool (and its mutex) in steady state. The pool is the fallback when
// the recycling ring is empty or full.
#pragma once

#include <string>

#include "worker/batch_queue.h"
#include "worker/tuple_batch.h"

namespace storm {

class TupleQueue : public BatchQueue<TupleBatch> {
 public:
  TupleQueue(std::string name, size_t capacity, BatchPool* pool)
      : BatchQueue<TupleBatch>(std::move(name), capacity), pool_(pool),
        free_("free", capacity + 4) {}

  TupleBatch* AcquireEmpty() {
    TupleBatch* b = free_.TryPop();
    return b != nullptr ? b : pool_->Acquire();
  }
  void Recycle(TupleBatch* batch) {
    batch->Clear();
    if (!free_.TryPush(batch)) pool_->Release(batch);
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
