// TupleBatch: the unit handed between the worker's threads: up to `capacity`
// (destination task, tuple) pairs. Slots keep their storage when a batch is
// cleared and reused, so that after warm-up emitting a tuple allocates
// nothing: a slot's Values vector and MessageId keep their capacity.
//
// BatchPool: where batches are recycled. One per worker, shared by its
// threads (one mutex operation per batch, not per tuple).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "storm/tuple.h"

namespace storm {

class TupleQueue;

struct AddressedTuple {
  int32_t task = 0;  // destination task
  Tuple tuple;
};

class TupleBatch {
 public:
  explicit TupleBatch(size_t capacity) : slots_(capacity) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == slots_.size(); }
  size_t capacity() const { return slots_.size(); }
  // The next slot, holding stale contents the caller overwrites.
  AddressedTuple& Append() { return slots_[size_++]; }
  AddressedTuple& operator[](size_t i) { return slots_[i]; }
  const AddressedTuple& operator[](size_t i) const { return slots_[i]; }
  // Takes back the last Append (its slot keeps its storage).
  void PopBack() { --size_; }
  void Clear() { size_ = 0; }

  // The queue whose recycling ring this batch returns to (see TupleQueue).
  TupleQueue* home() const { return home_; }
  void set_home(TupleQueue* home) { home_ = home; }

 private:
  TupleQueue* home_ = nullptr;
  std::vector<AddressedTuple> slots_;
  size_t size_ = 0;
};

class BatchPool {
 public:
  explicit BatchPool(size_t batch_capacity) : batch_capacity_(batch_capacity) {}
  ~BatchPool() {
    for (TupleBatch* b : free_) delete b;
  }
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

  size_t batch_capacity() const { return batch_capacity_; }

  // An empty batch. Batches are bounded in number by the queues they travel
  // through, so the pool stays bounded too.
  TupleBatch* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!free_.empty()) {
        TupleBatch* b = free_.back();
        free_.pop_back();
        return b;
      }
    }
    return new TupleBatch(batch_capacity_);
  }

  void Release(TupleBatch* batch) {
    batch->Clear();
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(batch);
  }

 private:
  const size_t batch_capacity_;
  std::mutex mutex_;
  std::vector<TupleBatch*> free_;  // guarded by mutex_
};

// Owns a batch taken from a pool until it is released or handed on.
struct BatchDeleter {
  BatchPool* pool;
  void operator()(TupleBatch* b) const { pool->Release(b); }
};

}  // namespace storm
