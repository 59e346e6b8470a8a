// Random non-zero 64-bit ids for tuple-tree roots and edges (DESIGN 3):
// splitmix64 seeded from the OS, one generator per executor thread.
#pragma once

#include <cstdint>
#include <random>

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

}  // namespace storm
