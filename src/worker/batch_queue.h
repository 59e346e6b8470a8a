// BatchQueue: a bounded lock-free MPMC ring of pointers (D. Vyukov's
// sequence-numbered cells), used for every queue of the worker: executor
// in-queues (producers: executor send threads and the worker receive thread;
// consumer: the executor's user logic thread), executor out-queues (producer:
// the user logic thread; consumer: the executor send thread) and the worker's
// transfer queue (producers: executor send threads; consumer: the worker
// send thread). Items are whole batches of tuples, so the per-tuple cost of
// the queue is tiny.
//
// The ring never grows: a full queue makes Push() wait (backpressure), never
// drops. Consumers and blocked producers park on Parkers and are woken by
// the other side.
//
// Besides its slots, a queue can bound its weight: the sum of its items'
// size() (the tuples in the batches it holds), since batches are as big as
// what flows (one tuple, or hundreds). A push that would take the weight
// past the bound waits, unless the queue is empty (so a batch larger than
// the bound still passes). Producers racing may pass it by a batch each.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "worker/wait_strategy.h"

namespace storm {

template <typename T>
class BatchQueue {
 public:
  // `max_weight` 0: bounded by the slots only.
  BatchQueue(std::string name, size_t capacity, size_t max_weight = 0)
      : name_(std::move(name)), capacity_(RoundUp(capacity)), mask_(capacity_ - 1),
        max_weight_(max_weight), cells_(new Cell[capacity_]) {
    for (size_t i = 0; i < capacity_; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  const std::string& name() const { return name_; }
  size_t capacity() const { return capacity_; }
  // The bound on the weight; 0 when there is none.
  size_t max_weight() const { return max_weight_; }

  bool TryPush(T* item) {
    // The weight is taken before the item is published (and given back if
    // it is not), so that a pop never makes it go below zero.
    const size_t weight = max_weight_ != 0 ? WeightOf(item) : 0;
    if (weight != 0) {
      const size_t before = weight_.fetch_add(weight, std::memory_order_relaxed);
      if (before != 0 && before + weight > max_weight_) {
        weight_.fetch_sub(weight, std::memory_order_relaxed);
        return false;
      }
    }
    size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      size_t seq = cell.seq.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos);
      if (diff == 0) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          cell.item = item;
          cell.seq.store(pos + 1, std::memory_order_release);
          consumer_.Unpark();
          return true;
        }
      } else if (diff < 0) {
        if (weight != 0) weight_.fetch_sub(weight, std::memory_order_relaxed);
        return false;  // full
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  T* TryPop() {
    size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[pos & mask_];
      size_t seq = cell.seq.load(std::memory_order_acquire);
      intptr_t diff = static_cast<intptr_t>(seq) - static_cast<intptr_t>(pos + 1);
      if (diff == 0) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          T* item = cell.item;
          size_t weight = 0;
          if (max_weight_ != 0) {
            const size_t n = WeightOf(item);
            weight = weight_.fetch_sub(n, std::memory_order_relaxed) - n;
          }
          cell.seq.store(pos + mask_ + 1, std::memory_order_release);
          // Producers blocked on a full queue are woken once it is half
          // empty, not at every pop: waking one per pop makes producer and
          // consumer take turns a batch at a time, a context switch each.
          // (A producer also re-checks after a short timeout.)
          if (tail_.load(std::memory_order_relaxed) - (pos + 1) <= capacity_ / 2 &&
              weight <= max_weight_ / 2) {
            producers_.Unpark();
            if (room_waiter_ != nullptr) room_waiter_->Unpark();
          }
          return item;
        }
      } else if (diff < 0) {
        return nullptr;  // empty
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

  // Pushes, waiting while the queue is full. Returns false only when `stop`
  // becomes true first (the item is then still the caller's).
  bool Push(T* item, const std::atomic<bool>& stop) {
    Backoff backoff;
    while (!TryPush(item)) {
      if (stop.load(std::memory_order_relaxed)) return false;
      if (backoff.Step()) {
        producers_.Park(std::chrono::microseconds(1000), [this, item] { return NoRoomFor(item); });
      }
    }
    return true;
  }

  // Parks the (single) consumer until an item may be there or the timeout.
  void WaitForItems(std::chrono::microseconds timeout) {
    consumer_.Park(timeout, [this] { return Empty(); });
  }
  // The same, also until `still_waiting()` turns false; that must be
  // something whose change wakes this consumer too (see WakeOnRoom).
  template <typename StillWaiting>
  void WaitForItems(std::chrono::microseconds timeout, StillWaiting still_waiting) {
    consumer_.Park(timeout, [this, &still_waiting] { return Empty() && still_waiting(); });
  }
  // Has a pop that makes room here (when blocked producers are woken) also
  // wake `other`'s consumer, which waits for room here as well as for its
  // items: a spout waits for acks and, while its out-queue is full, for room
  // in it. Set before either queue is used.
  void WakeOnRoom(BatchQueue& other) { room_waiter_ = &other.consumer_; }
  // Wakes the consumer, e.g. to make it see a stop flag.
  void WakeConsumer() { consumer_.Unpark(); }
  const Parker& consumer_parker() const { return consumer_; }

  bool Empty() const {
    size_t pos = head_.load(std::memory_order_seq_cst);
    return static_cast<intptr_t>(cells_[pos & mask_].seq.load(std::memory_order_seq_cst)) -
               static_cast<intptr_t>(pos + 1) < 0;
  }
  bool Full() const {
    size_t pos = tail_.load(std::memory_order_seq_cst);
    return static_cast<intptr_t>(cells_[pos & mask_].seq.load(std::memory_order_seq_cst)) -
               static_cast<intptr_t>(pos) < 0;
  }
  // Whether a TryPush of `item` would fail now.
  bool NoRoomFor(const T* item) const {
    if (Full()) return true;
    if (max_weight_ == 0) return false;
    const size_t weight = weight_.load(std::memory_order_seq_cst);
    return weight != 0 && weight + WeightOf(item) > max_weight_;
  }
  // The items' total size(), when the queue bounds it.
  size_t WeightApprox() const { return weight_.load(std::memory_order_relaxed); }
  size_t SizeApprox() const {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_relaxed);
    return tail >= head ? tail - head : 0;
  }

 private:
  struct alignas(64) Cell {
    std::atomic<size_t> seq;
    T* item = nullptr;
  };

  // An item's weight: its size() (the tuples of a batch), else 1.
  static size_t WeightOf(const T* item) {
    if constexpr (requires { item->size(); }) {
      return item->size();
    } else {
      return 1;
    }
  }

  static size_t RoundUp(size_t n) {
    size_t c = 2;
    while (c < n) c <<= 1;
    return c;
  }

  const std::string name_;
  const size_t capacity_;
  const size_t mask_;
  const size_t max_weight_;
  std::unique_ptr<Cell[]> cells_;
  alignas(64) std::atomic<size_t> weight_{0};
  alignas(64) std::atomic<size_t> tail_{0};
  alignas(64) std::atomic<size_t> head_{0};
  Parker consumer_;
  Parker producers_;
  Parker* room_waiter_ = nullptr;
};

}  // namespace storm
