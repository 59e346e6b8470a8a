#include "nimbus/scheduler.h"

#include <algorithm>
#include <map>
#include <set>

namespace storm {

std::vector<WorkerSlot> InterleaveSlots(std::vector<WorkerSlot> slots) {
  std::sort(slots.begin(), slots.end());
  std::map<std::string, std::vector<WorkerSlot>> by_node;
  for (auto& s : slots) by_node[s.node].push_back(s);
  std::vector<WorkerSlot> out;
  for (size_t round = 0; out.size() < slots.size(); ++round) {
    for (auto& [node, list] : by_node) {
      if (round < list.size()) out.push_back(list[round]);
    }
  }
  return out;
}

std::vector<SlotAssignment> ScheduleEvenly(const std::vector<ExecutorDef>& executors,
                                           const std::vector<WorkerSlot>& free_slots,
                                           int num_workers) {
  std::vector<WorkerSlot> slots = InterleaveSlots(free_slots);
  const size_t n = std::min<size_t>(slots.size(), static_cast<size_t>(std::max(num_workers, 0)));
  if (n == 0) return {};
  std::vector<SlotAssignment> out(n);
  for (size_t i = 0; i < n; ++i) out[i].slot = slots[i];
  std::vector<ExecutorDef> sorted = executors;
  std::sort(sorted.begin(), sorted.end(),
            [](const ExecutorDef& a, const ExecutorDef& b) { return a.first_task < b.first_task; });
  for (size_t i = 0; i < sorted.size(); ++i) out[i % n].executors.push_back(sorted[i]);
  return out;
}

std::map<ExecutorId, WorkerSlot> ScheduleTopology(const std::vector<ExecutorId>& executors,
                                                  const std::map<ExecutorId, WorkerSlot>& alive,
                                                  const std::vector<WorkerSlot>& available,
                                                  int num_workers) {
  std::map<ExecutorId, WorkerSlot> out;
  std::set<WorkerSlot> kept;
  for (const ExecutorId& e : executors) {
    auto it = alive.find(e);
    if (it != alive.end()) {
      out[e] = it->second;
      kept.insert(it->second);
    }
  }
  std::vector<WorkerSlot> candidates;
  for (const WorkerSlot& s : InterleaveSlots(available)) {
    if (kept.count(s) == 0) candidates.push_back(s);
  }
  const size_t wanted = static_cast<size_t>(std::max(num_workers, 1));
  const size_t take =
      kept.size() >= wanted ? 0 : std::min(candidates.size(), wanted - kept.size());
  std::vector<WorkerSlot> targets(candidates.begin(), candidates.begin() + static_cast<long>(take));
  if (targets.empty()) targets.assign(kept.begin(), kept.end());
  if (targets.empty()) return {};
  std::vector<ExecutorId> rest;
  for (const ExecutorId& e : executors) {
    if (out.count(e) == 0) rest.push_back(e);
  }
  std::sort(rest.begin(), rest.end());
  for (size_t i = 0; i < rest.size(); ++i) out[rest[i]] = targets[i % targets.size()];
  return out;
}

}  // namespace storm
