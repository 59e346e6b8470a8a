// FlatU64Map: an open-addressing hash map from non-zero 64-bit ids (tuple
// tree roots, which are random) to small values. Linear probing with
// backward-shift deletion, no tombstones, no allocation per insert: the
// spout's pending trees and the acker's table hold millions of short-lived
// entries per second, where std::unordered_map would malloc each one.
// Key 0 marks an empty slot and is never a valid root id.
// Thread safety: none (owned by one executor thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace storm {

// FlatU64Map's hash: a bijection of 64-bit keys (murmur3's finalizer
// without its last round), and its inverse. A key whose hash is h lands in
// slot h & mask, so ids made with UnmixU64 from consecutive numbers land in
// consecutive slots (see RootIdGenerator).
inline uint64_t MixU64(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return key;
}
inline uint64_t UnmixU64(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0x4f74430c22a54005ULL;  // the inverse of 0xff51afd7ed558ccd mod 2^64
  hash ^= hash >> 33;
  return hash;
}

template <typename V>
class FlatU64Map {
 public:
  explicit FlatU64Map(size_t initial_capacity = 64) { Rehash(RoundUp(initial_capacity)); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The value of `key`, inserted default-constructed when absent.
  V& operator[](uint64_t key) {
    if ((size_ + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    size_t i = Index(key);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) return slots_[i].value;
      i = (i + 1) & mask_;
    }
    slots_[i].key = key;
    slots_[i].value = V();
    ++size_;
    return slots_[i].value;
  }

  V* Find(uint64_t key) {
    size_t i = Index(key);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) return &slots_[i].value;
      i = (i + 1) & mask_;
    }
    return nullptr;
  }

  // Moves the value of `key` into *out and removes it; false when absent.
  bool Take(uint64_t key, V* out) {
    size_t i = Index(key);
    while (slots_[i].key != 0) {
      if (slots_[i].key == key) {
        if (out != nullptr) *out = std::move(slots_[i].value);
        EraseAt(i);
        return true;
      }
      i = (i + 1) & mask_;
    }
    return false;
  }

  // Calls fn(value) on the value of `key`, inserted default-constructed when
  // absent and `insert` is true; erases the entry when fn returns true.
  // One probe for a hit (the acker's find-update-erase); returns whether
  // the key was there (or inserted).
  template <typename Fn>
  bool Update(uint64_t key, bool insert, Fn fn) {
    size_t i = Probe(key);
    if (slots_[i].key == 0) {
      if (!insert) return false;
      if ((size_ + 1) * 2 > slots_.size()) {
        Rehash(slots_.size() * 2);
        i = Probe(key);
      }
      slots_[i].key = key;
      slots_[i].value = V();
      ++size_;
    }
    if (fn(slots_[i].value)) EraseAt(i);
    return true;
  }

  template <typename Fn>
  void ForEach(Fn fn) {
    for (auto& slot : slots_) {
      if (slot.key != 0) fn(slot.key, slot.value);
    }
  }

  void Clear() {
    for (auto& slot : slots_) slot.key = 0;
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t key = 0;
    V value{};
  };

  static size_t RoundUp(size_t n) {
    size_t c = 16;
    while (c < n) c <<= 1;
    return c;
  }
  // The slot holding `key`, or the empty slot where it would go.
  size_t Probe(uint64_t key) const {
    size_t i = Index(key);
    while (slots_[i].key != 0 && slots_[i].key != key) i = (i + 1) & mask_;
    return i;
  }
  size_t Index(uint64_t key) const { return static_cast<size_t>(MixU64(key)) & mask_; }

  // Backward-shift deletion keeps every probe chain unbroken.
  void EraseAt(size_t hole) {
    size_t i = hole;
    for (;;) {
      i = (i + 1) & mask_;
      if (slots_[i].key == 0) break;
      size_t home = Index(slots_[i].key);
      // Move slot i into the hole when its home is not in (hole, i].
      bool movable = (i > hole) ? (home <= hole || home > i) : (home <= hole && home > i);
      if (movable) {
        slots_[hole].key = slots_[i].key;
        slots_[hole].value = std::move(slots_[i].value);
        hole = i;
      }
    }
    slots_[hole].key = 0;
    slots_[hole].value = V();
    --size_;
  }

  void Rehash(size_t capacity) {
    std::vector<Slot> old = std::move(slots_);
    slots_ = std::vector<Slot>(capacity);
    mask_ = capacity - 1;
    size_ = 0;
    for (auto& slot : old) {
      if (slot.key != 0) (*this)[slot.key] = std::move(slot.value);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace storm
