// Nimbus's monitor: what it does every nimbus.monitor.freq.secs (and right
// after each change): finish kills and rebalances whose wait is over, find
// executors whose heartbeats stopped or whose supervisor is gone, assign
// executors to slots, and remove what topologies no longer alive left.
#include <spdlog/spdlog.h>

#include "nimbus/nimbus.h"
#include "nimbus/scheduler.h"

namespace storm {

void Nimbus::RunMonitorOnce() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!leader_) return;
  if (!options_.state->storage().Connected()) {
    if (!std::exchange(state_away_, true)) {
      spdlog::warn("nimbus: ZooKeeper is unreachable; no scheduling until it returns");
    }
    return;
  }
  if (std::exchange(state_away_, false)) {
    // The heartbeats of the outage never reached anyone: every executor
    // gets a launch period from now, so that none is taken for dead
    // because ZooKeeper was.
    beats_.clear();
    assigned_at_.clear();
    spdlog::info("nimbus: ZooKeeper is back; scheduling again");
  }
  try {
    FireDueActions();
    MakeAssignments();
    CleanUp();
  } catch (const GuardLostError& e) {
    StepDown(std::string("a write was refused: ") + e.what());
  }
}

void Nimbus::FireDueActions() {
  const int64_t now = options_.clock->NowNanos();
  std::vector<std::string> due;
  for (const auto& [id, deadline] : action_deadline_nanos_) {
    if (deadline <= now) due.push_back(id);
  }
  for (const std::string& id : due) {
    action_deadline_nanos_.erase(id);
    auto base = options_.state->GetStormBase(id);
    if (!base) continue;
    if (base->status == TopologyStatus::kKilled) {
      FinishKill(id);
    } else if (base->status == TopologyStatus::kRebalancing) {
      FinishRebalance(id, *base);
    }
  }
}

void Nimbus::FinishKill(const std::string& id) {
  Writes().RemoveTopology(id);
  Writes().RemoveCodeKey(id);
  code_store_->Remove(id);
  cache_.erase(id);
  beats_.erase(id);
  assigned_at_.erase(id);
  RecordRemoved(id);
  spdlog::info("nimbus: topology {} removed", id);
}

void Nimbus::FinishRebalance(const std::string& id, StormBase base) {
  if (base.rebalance) {
    if (base.rebalance->num_workers) base.num_workers = *base.rebalance->num_workers;
    for (const auto& [component, n] : base.rebalance->num_executors) {
      base.component_executors[component] = n;
    }
  }
  base.status = base.prev_status.value_or(TopologyStatus::kActive);
  base.prev_status.reset();
  base.rebalance.reset();
  Writes().SetStormBase(id, base);
  std::map<std::string, SupervisorInfo> supervisors;
  for (const std::string& sid : options_.state->SupervisorIds()) {
    if (auto info = options_.state->GetSupervisor(sid)) supervisors[sid] = *info;
  }
  std::set<WorkerSlot> used;
  for (const std::string& other : options_.state->AssignmentIds()) {
    if (other == id) continue;
    if (auto a = options_.state->GetAssignment(other)) {
      for (const auto& [e, slot] : a->executor_slot) used.insert(slot);
    }
  }
  AssignTopology(id, base, supervisors, used, /*force_fresh=*/true);
  spdlog::info("nimbus: topology {} rebalanced onto {} workers", id, base.num_workers);
}

void Nimbus::MakeAssignments() {
  std::map<std::string, SupervisorInfo> supervisors;
  for (const std::string& sid : options_.state->SupervisorIds()) {
    if (auto info = options_.state->GetSupervisor(sid)) supervisors[sid] = *info;
  }
  std::map<std::string, StormBase> bases;
  for (const std::string& id : options_.state->ActiveStorms()) {
    if (auto base = options_.state->GetStormBase(id)) bases[id] = *base;
  }
  // Slots each topology holds now; a topology is scheduled around the others'.
  std::map<std::string, std::set<WorkerSlot>> held;
  for (const auto& [id, base] : bases) {
    if (auto a = options_.state->GetAssignment(id)) {
      for (const auto& [e, slot] : a->executor_slot) held[id].insert(slot);
    }
  }
  for (const auto& [id, base] : bases) {
    if (base.status == TopologyStatus::kKilled) continue;  // keeps its slots until removed
    std::set<WorkerSlot> others;
    for (const auto& [other, slots] : held) {
      if (other != id) others.insert(slots.begin(), slots.end());
    }
    try {
      AssignTopology(id, base, supervisors, others, /*force_fresh=*/false);
    } catch (const StateStorageError&) {
      throw;
    } catch (const std::exception& e) {
      spdlog::error("nimbus: cannot schedule topology {}: {}", id, e.what());
      continue;
    }
    held[id].clear();
    if (auto a = options_.state->GetAssignment(id)) {
      for (const auto& [e, slot] : a->executor_slot) held[id].insert(slot);
    }
  }
}

std::set<ExecutorId> Nimbus::AliveExecutors(
    const std::string& id, const Assignment& assignment,
    const std::map<std::string, SupervisorInfo>& supervisors) {
  const int64_t now = options_.clock->NowNanos();
  const int64_t timeout = options_.conf.getInt(Config::kNimbusTaskTimeoutSecs) * 1'000'000'000;
  const int64_t launch = options_.conf.getInt(Config::kNimbusTaskLaunchSecs) * 1'000'000'000;
  std::map<WorkerSlot, WorkerHeartbeat> beats;
  for (auto& [slot, hb] : options_.state->WorkerHeartbeats(id)) beats[slot] = std::move(hb);
  auto& seen = beats_[id];
  auto& assigned = assigned_at_[id];
  std::set<ExecutorId> alive;
  for (const auto& [e, slot] : assignment.executor_slot) {
    // After a restart Nimbus saw nothing yet: an executor gets a full launch
    // period from now, so that a restart never reassigns running work.
    auto [at, inserted] = assigned.try_emplace(e, now);
    ExecutorBeat& beat = seen[e];
    auto hb = beats.find(slot);
    if (hb != beats.end() && (hb->second.executor_stats.empty() ||
                              hb->second.executor_stats.count(e) != 0)) {
      if (hb->second.time_secs != beat.last_time_secs) {
        beat.last_time_secs = hb->second.time_secs;
        beat.seen_nanos = now;
      }
    }
    if (supervisors.count(slot.node) == 0) continue;  // its supervisor is gone
    // As Storm: alive during its launch period whatever the heartbeats say
    // (its slot's node may still hold the last beat of an earlier worker,
    // which must not cut the launch period down to the task timeout), and
    // after it while its heartbeats keep changing.
    const bool is_alive = now - at->second < launch ||
                          (beat.seen_nanos != 0 && now - beat.seen_nanos < timeout);
    if (is_alive) alive.insert(e);
  }
  return alive;
}

void Nimbus::AssignTopology(const std::string& id, const StormBase& base,
                            const std::map<std::string, SupervisorInfo>& supervisors,
                            std::set<WorkerSlot>& used_by_others, bool force_fresh) {
  auto layout = LayoutFor(id, base);
  std::vector<ExecutorId> executors;
  for (const ExecutorDef& e : layout->executors()) executors.emplace_back(e.first_task, e.last_task);
  auto existing = options_.state->GetAssignment(id);

  std::map<ExecutorId, WorkerSlot> keep;
  std::set<WorkerSlot> dead_slots;
  if (existing) {
    std::set<ExecutorId> alive = AliveExecutors(id, *existing, supervisors);
    for (const auto& [e, slot] : existing->executor_slot) {
      if (alive.count(e) != 0 && !force_fresh) {
        keep[e] = slot;
      } else if (alive.count(e) == 0) {
        dead_slots.insert(slot);
      }
    }
    for (auto it = keep.begin(); it != keep.end();) {
      // A slot with a dead executor is restarted as a whole elsewhere.
      it = dead_slots.count(it->second) != 0 ? keep.erase(it) : std::next(it);
    }
  }
  std::vector<WorkerSlot> available;
  for (const auto& [sid, info] : supervisors) {
    for (int port : info.slots) {
      WorkerSlot slot{sid, port};
      if (used_by_others.count(slot) == 0 && dead_slots.count(slot) == 0) available.push_back(slot);
    }
  }
  std::map<ExecutorId, WorkerSlot> placed =
      ScheduleTopology(executors, keep, available, base.num_workers);
  if (placed.empty()) {
    spdlog::warn("nimbus: no free slot for topology {} ({} supervisors alive)", id,
                 supervisors.size());
    return;
  }
  Assignment next;
  // Where the submitting leader keeps it (Storm's field; supervisors fetch
  // "<id>/<file>" from any holder): kept as is, so that a new leader does
  // not rewrite every assignment.
  next.master_code_dir = existing ? existing->master_code_dir : code_store_->TopologyDir(id);
  const int64_t now_secs = NowSecs();
  const int64_t now = options_.clock->NowNanos();
  for (const auto& [e, slot] : placed) {
    next.executor_slot[e] = slot;
    auto sup = supervisors.find(slot.node);
    next.node_host[slot.node] = sup == supervisors.end() ? slot.node : sup->second.hostname;
    bool unchanged = false;
    if (existing) {
      auto old = existing->executor_slot.find(e);
      auto start = existing->executor_start_time_secs.find(e);
      unchanged = old != existing->executor_slot.end() && old->second == slot &&
                  start != existing->executor_start_time_secs.end();
      if (unchanged) next.executor_start_time_secs[e] = start->second;
    }
    if (!unchanged) {
      next.executor_start_time_secs[e] = now_secs;
      assigned_at_[id][e] = now;
      beats_[id].erase(e);
    }
  }
  if (existing && *existing == next) return;
  Writes().SetAssignment(id, next);
  std::set<WorkerSlot> slots;
  for (const auto& [e, slot] : placed) slots.insert(slot);
  std::string where;
  for (const auto& s : slots) where += " " + s.node + ":" + std::to_string(s.port);
  spdlog::info("nimbus: assigned {} executors of {} to {} slots:{}{}", placed.size(), id,
               slots.size(), where,
               dead_slots.empty() ? "" : " (replacing " + std::to_string(dead_slots.size()) +
                                             " slots whose executors stopped heartbeating or "
                                             "whose supervisor is gone)");
  used_by_others.insert(slots.begin(), slots.end());
}

void Nimbus::CleanUp() {
  const std::vector<std::string> alive_ids = options_.state->ActiveStorms();
  const std::set<std::string> alive(alive_ids.begin(), alive_ids.end());
  for (const std::string& id : code_store_->InstalledIds()) {
    if (alive.count(id) == 0 && pending_submits_.count(id) == 0) {
      spdlog::info("nimbus: removing the code of {}, which is no longer alive", id);
      code_store_->Remove(id);
    }
  }
  for (const std::string& id : options_.state->CodeKeys()) {
    // The key of a submit that never finished (its leader died waiting).
    if (alive.count(id) == 0 && pending_submits_.count(id) == 0) {
      Writes().RemoveCodeKey(id);
    }
  }
  for (const std::string& id : options_.state->AssignmentIds()) {
    if (alive.count(id) == 0) Writes().RemoveAssignment(id);
  }
  for (const std::string& id : options_.state->HeartbeatTopologies()) {
    if (alive.count(id) == 0) Writes().RemoveWorkerHeartbeats(id);
  }
  for (const std::string& id : options_.state->ErrorTopologies()) {
    if (alive.count(id) == 0) Writes().RemoveErrors(id);
  }
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = alive.count(it->first) == 0 ? cache_.erase(it) : std::next(it);
  }
  code_store_->ExpireIdle();
}

}  // namespace storm
