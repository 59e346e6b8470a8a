// The even scheduler (Storm's EvenScheduler/DefaultScheduler): a topology's
// executors spread evenly over `num_workers` slots, the slots taken
// round-robin across supervisors so that workers spread over hosts.
#pragma once

#include <string>
#include <vector>

#include <map>

#include "common/state/cluster_types.h"
#include "common/topology/topology_layout.h"

namespace storm {

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

// Storm's EvenScheduler for one topology: executors in `alive` keep their
// slots; the others are spread round-robin (in task order) over as many of
// the interleaved `available` slots as bring the topology up to
// `num_workers` slots. When the topology can get more slots than it keeps,
// only kept slots whose executor count fits an even spread over them stay
// (Storm's DefaultScheduler frees the others), so that a topology scheduled
// while slots were scarce spreads out once they free up. Where no slot is
// free for them, they join the slots the topology keeps (Storm would leave
// them unassigned; a topology missing executors drops tuples' trees on the
// floor, one on fewer slots only runs slower). Returns executor -> slot for every executor, or an empty map when
// there is no slot at all.
std::map<ExecutorId, WorkerSlot> ScheduleTopology(const std::vector<ExecutorId>& executors,
                                                  const std::map<ExecutorId, WorkerSlot>& alive,
                                                  const std::vector<WorkerSlot>& available,
                                                  int num_workers);

}  // namespace storm
