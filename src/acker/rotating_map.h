// RotatingMap: entries that expire in whole buckets, as Storm's RotatingMap.
// New entries go into the newest bucket; Rotate() drops the oldest bucket
// and returns its entries (expired), so an entry lives between
// (buckets - 1) and `buckets` rotation periods. Lookups search every bucket.
// Thread safety: none (owned by one executor thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "acker/flat_map.h"

namespace storm {

template <typename V>
class RotatingMap {
 public:
  explicit RotatingMap(size_t buckets = 2) : buckets_(buckets < 2 ? 2 : buckets) {}

  size_t size() const {
    size_t n = 0;
    for (const auto& b : buckets_) n += b.size();
    return n;
  }

  // Inserts or finds in place. An existing entry stays in its bucket.
  V& Get(uint64_t key) {
    for (auto& b : buckets_) {
      if (V* v = b.Find(key)) return *v;
    }
    return buckets_.front()[key];
  }
  V* Find(uint64_t key) {
    for (auto& b : buckets_) {
      if (V* v = b.Find(key)) return v;
    }
    return nullptr;
  }
  bool Take(uint64_t key, V* out) {
    for (auto& b : buckets_) {
      if (b.Take(key, out)) return true;
    }
    return false;
  }
  // Calls fn(value) on the entry of `key` wherever it is, or on a new entry
  // in the newest bucket; erases it when fn returns true.
  template <typename Fn>
  void Update(uint64_t key, Fn fn) {
    // Most entries are young: look in the newest bucket first.
    for (auto& bucket : buckets_) {
      if (bucket.Update(key, /*insert=*/false, fn)) return;
    }
    buckets_.front().Update(key, /*insert=*/true, fn);
  }

  // Drops the oldest bucket and calls expired(key, value) for each entry in it.
  template <typename Fn>
  void Rotate(Fn expired) {
    FlatU64Map<V> oldest = std::move(buckets_.back());
    buckets_.pop_back();
    buckets_.emplace_front();
    oldest.ForEach(expired);
  }

 private:
  std::deque<FlatU64Map<V>> buckets_{};
};

}  // namespace storm
