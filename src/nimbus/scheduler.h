// The even scheduler (Storm's EvenScheduler/DefaultScheduler): a topology's
// executors spread evenly over `num_workers` slots, the slots taken
// round-robin across supervisors so that workers spread over hosts.
#pragma once

#include <string>
#include <vector>

#include "common/topology_layout.h"

namespace storm {

struct WorkerSlot {
  std::string node;  // supervisor id
  int port = 0;
  bool operator==(const WorkerSlot&) const = default;
  bool operator<(const WorkerSlot& o) const {
    return node != o.node ? node < o.node : port < o.port;
  }
};

struct SlotAssignment {
  WorkerSlot slot;
  std::vector<ExecutorDef> executors;
};

// Orders free slots so that consecutive picks alternate between nodes:
// (a,1) (b,1) (a,2) (b,2) ...
std::vector<WorkerSlot> InterleaveSlots(std::vector<WorkerSlot> slots);

// Assigns executors (in task order) round-robin to the first
// min(num_workers, slots) interleaved slots. Empty when there is no slot.
std::vector<SlotAssignment> ScheduleEvenly(const std::vector<ExecutorDef>& executors,
                                           const std::vector<WorkerSlot>& free_slots,
                                           int num_workers);

}  // namespace storm
