// Stream groupings: which tasks of a subscribing component receive a tuple.
// One Grouper per (executor, subscription); a grouper is used by its
// executor's user logic thread only, so it keeps unsynchronized state.
//
// Fields grouping hashes the grouped values with a hash of their bytes that
// is the same in every process and every run (no pointer, no seed), so that
// a word always reaches the same task whichever worker emits it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/topology/topology_layout.h"
#include "storm/fields.h"
#include "storm/value.h"

namespace storm {

class Grouper {
 public:
  virtual ~Grouper() = default;
  // Appends the chosen tasks to `out`.
  virtual void Choose(const Values& values, std::vector<int>& out) = 0;
};

// A deterministic 64-bit hash of a value (type and contents).
uint64_t StableHash(const Value& value, uint64_t seed = 0);

// The grouper for a subscription to a stream with `source_fields`, or nullptr
// for a direct grouping (the emitter names the task). `worker_tasks` (sorted)
// are the tasks of this worker, for local-or-shuffle; `seed` randomizes the
// order of shuffle groupings only.
std::unique_ptr<Grouper> MakeGrouper(const Subscription& subscription, const Fields& source_fields,
                                     const std::vector<int>& worker_tasks, uint64_t seed);

}  // namespace storm
