#include "common/util/random_id.h"

#include <cstdio>
#include <mutex>
#include <random>

namespace storm {

std::string RandomHex() {
  static std::mutex mutex;
  static std::mt19937_64 rng{(static_cast<uint64_t>(std::random_device{}()) << 32) ^
                             std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace storm
