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

namespace {

// Storm's bad-slots rule: when the topology is to run on `total` slots, more
// than it keeps, only the kept slots whose executor count fits the even
// spread of all its executors over `total` slots stay; the executors of the
// others are spread again. Without it, a topology scheduled while slots were
// scarce would stay crowded on them after slots free up.
void FreeSlotsThatDoNotFit(size_t num_executors, size_t total,
                           std::map<WorkerSlot, std::vector<ExecutorId>>& kept) {
  std::map<size_t, size_t> spread;  // executors per slot -> slots with that many
  spread[num_executors / total] += total - num_executors % total;
  if (num_executors % total != 0) spread[num_executors / total + 1] += num_executors % total;
  for (auto it = kept.begin(); it != kept.end();) {
    auto fit = spread.find(it->second.size());
    if (fit != spread.end() && fit->second > 0) {
      --fit->second;
      ++it;
    } else {
      it = kept.erase(it);
    }
  }
}

}  // namespace

std::map<ExecutorId, WorkerSlot> ScheduleTopology(const std::vector<ExecutorId>& executors,
                                                  const std::map<ExecutorId, WorkerSlot>& alive,
                                                  const std::vector<WorkerSlot>& available,
                                                  int num_workers) {
  std::map<WorkerSlot, std::vector<ExecutorId>> kept_executors;
  for (const ExecutorId& e : executors) {
    auto it = alive.find(e);
    if (it != alive.end()) kept_executors[it->second].push_back(e);
  }
  const std::vector<WorkerSlot> interleaved = InterleaveSlots(available);
  const size_t wanted = static_cast<size_t>(std::max(num_workers, 1));
  size_t free_slots = 0;
  for (const WorkerSlot& s : interleaved) free_slots += kept_executors.count(s) == 0 ? 1 : 0;
  const size_t total = std::min(wanted, kept_executors.size() + free_slots);
  if (total > kept_executors.size()) FreeSlotsThatDoNotFit(executors.size(), total, kept_executors);

  std::map<ExecutorId, WorkerSlot> out;
  std::set<WorkerSlot> kept;
  for (const auto& [slot, list] : kept_executors) {
    kept.insert(slot);
    for (const ExecutorId& e : list) out[e] = slot;
  }
  std::vector<WorkerSlot> candidates;
  for (const WorkerSlot& s : interleaved) {
    if (kept.count(s) == 0) candidates.push_back(s);
  }
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
