// Random non-zero 64-bit ids for tuple-tree roots and edges (docs/architecture.md#the-acker):
// splitmix64 seeded from the OS, one generator per executor thread.
#pragma once

#include <cstdint>
#include <random>

#include "acker/flat_map.h"

namespace storm {

class IdGenerator {
 public:
  IdGenerator() {
    std::random_device rd;
    state_ = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  explicit IdGenerator(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    for (;;) {
      uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      if (z != 0) return z;
    }
  }

 private:
  uint64_t state_;
};

// Root ids that are as good as random to everyone (distinct, spread over 64
// bits) but land in every other slot of the FlatU64Maps that track them: the
// hash of the n-th id is a random 40-bit prefix and a 24-bit counter that
// goes up by 2. The spout's pending trees and the acker's table are then
// touched in emit order, a cache line or two apart, instead of at a random
// place per tree (a cache miss per look-up at millions of trees a second).
// The step of 2 leaves a free slot after each entry (the maps stay at most
// half full), which keeps linear probing's runs short: with a step of 1 the
// entries form one long run, and each erase shifts along all of it. Every
// 2^23 ids the prefix is drawn again; the counter starts at a random value,
// so that spouts sharing an acker use different stretches of its table.
class RootIdGenerator {
 public:
  explicit RootIdGenerator(IdGenerator& random) : random_(random) {
    prefix_ = random_.Next() & ~kCounterMask;
    counter_ = random_.Next() & kCounterMask & ~uint64_t{1};
  }

  uint64_t Next() {
    for (;;) {
      counter_ = (counter_ + 2) & kCounterMask;
      if (counter_ == 0) prefix_ = random_.Next() & ~kCounterMask;
      const uint64_t id = UnmixU64(prefix_ | counter_);
      if (id != 0) return id;
    }
  }

 private:
  static constexpr uint64_t kCounterMask = (uint64_t{1} << 24) - 1;

  IdGenerator& random_;
  uint64_t prefix_ = 0;
  uint64_t counter_ = 0;
};

}  // namespace storm
