// Nimbus's answers for the UI's pages: a topology, a component, a
// supervisor (nimbus_pages.h), aggregated as Storm's StatsUtil does
// (stats_aggregation.h) from what the workers' heartbeats hold.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "nimbus/nimbus.h"
#include "sdk/topology_def.h"

namespace storm {

namespace {

std::map<std::string, std::vector<ExecutorSummaryInfo>> ByComponent(
    const std::vector<ExecutorSummaryInfo>& executors) {
  std::map<std::string, std::vector<ExecutorSummaryInfo>> out;
  for (const ExecutorSummaryInfo& e : executors) out[e.component].push_back(e);
  return out;
}

std::optional<ErrorRecordInfo> LastError(
    const std::map<std::string, std::vector<ErrorRecordInfo>>& errors,
    const std::string& component) {
  auto it = errors.find(component);
  if (it == errors.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::optional<DebugOptions> DebugOf(const StormBase& base, const std::string& component) {
  auto it = base.component_debug.find(component);
  if (it == base.component_debug.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::vector<WorkerSummaryInfo> Nimbus::WorkersOf(const Snapshot& s, bool include_sys,
                                                 const std::string& only_node) {
  std::map<WorkerSlot, WorkerSummaryInfo> by_slot;
  for (const auto& [e, slot] : s.assignment.executor_slot) {
    if (!only_node.empty() && slot.node != only_node) continue;
    WorkerSummaryInfo& w = by_slot[slot];
    if (w.topology_id.empty()) {
      w.supervisor_id = slot.node;
      auto host = s.assignment.node_host.find(slot.node);
      w.host = host == s.assignment.node_host.end() ? slot.node : host->second;
      w.port = slot.port;
      w.topology_id = s.details.summary.id;
      w.topology_name = s.base.name;
      w.owner = s.base.owner;
      auto beat = s.beats.find(slot);
      if (beat != s.beats.end()) {
        w.time_secs = beat->second.time_secs;
        w.uptime_secs = beat->second.uptime_secs;
        w.process = beat->second.process;
      }
    }
    ++w.num_executors;
    const std::string* component = s.layout->ComponentOfTask(e.first);
    if (component && (include_sys || !IsSystemId(*component))) {
      w.component_to_num_tasks[*component] += e.second - e.first + 1;
    }
  }
  std::vector<WorkerSummaryInfo> out;
  for (auto& [slot, w] : by_slot) out.push_back(std::move(w));
  return out;
}

TopologyPage Nimbus::GetTopologyPage(const std::string& id, const std::string& window,
                                     bool include_sys) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Snapshot s = ReadSnapshot(id);
  TopologyPage page;
  page.summary = s.details.summary;
  page.conf_json = Load(id).conf.toJson();
  const auto executors = ByComponent(s.details.executors);
  std::map<std::string, bool> is_spout;
  for (const std::string& component : s.layout->ComponentIds()) {
    const ComponentDef* def = s.layout->Component(component);
    if (def == nullptr) continue;
    is_spout[component] = def->is_spout;
    if (!include_sys && IsSystemId(component)) continue;
    auto it = executors.find(component);
    ComponentAggStats stats =
        AggregateComponent(it == executors.end() ? std::vector<ExecutorSummaryInfo>{} : it->second,
                           def->is_spout, window, include_sys);
    stats.last_error = LastError(s.details.errors, component);
    (def->is_spout ? page.spouts : page.bolts)[component] = std::move(stats);
  }
  for (const char* w : kStatsWindows) {
    page.windows[w] = AggregateTopology(s.details.executors, is_spout, w, include_sys);
  }
  page.debug = DebugOf(s.base, "");
  page.workers = WorkersOf(s, include_sys);
  return page;
}

ComponentPage Nimbus::GetComponentPage(const std::string& id, const std::string& component,
                                       const std::string& window, bool include_sys) {
  std::lock_guard<std::mutex> lock(mutex_);
  const Snapshot s = ReadSnapshot(id);
  const ComponentDef* def = s.layout->Component(component);
  if (def == nullptr) {
    throw NotAliveError("topology " + id + " has no component '" + component + "'");
  }
  ComponentPage page;
  page.component_id = component;
  page.is_spout = def->is_spout;
  page.topology_id = id;
  page.topology_name = s.base.name;
  page.topology_status = s.details.summary.status;
  std::vector<ExecutorSummaryInfo> executors;
  for (const ExecutorSummaryInfo& e : s.details.executors) {
    if (e.component == component) executors.push_back(e);
  }
  for (const char* w : kStatsWindows) {
    ComponentAggStats stats = AggregateComponent(executors, def->is_spout, w, include_sys);
    stats.last_error = LastError(s.details.errors, component);
    page.num_executors = stats.num_executors;
    page.num_tasks = stats.num_tasks;
    page.windows[w] = std::move(stats);
  }
  page.output_streams = AggregateOutputStreams(executors, def->is_spout, window, include_sys);
  if (!def->is_spout) page.input_streams = AggregateInputStreams(executors, window, include_sys);
  for (const ExecutorSummaryInfo& e : executors) {
    page.executors.push_back({e, AggregateComponent({e}, def->is_spout, window, include_sys)});
  }
  auto errors = s.details.errors.find(component);
  if (errors != s.details.errors.end()) page.errors = errors->second;
  if (!executors.empty()) {
    page.eventlog_host = executors.front().host;
    page.eventlog_port = executors.front().port;
  }
  page.debug = DebugOf(s.base, component);
  return page;
}

SupervisorPage Nimbus::GetSupervisorPage(const std::string& id, const std::string& host,
                                         bool include_sys) {
  std::lock_guard<std::mutex> lock(mutex_);
  SupervisorPage page;
  for (const std::string& sid : options_.state->SupervisorIds()) {
    if (!id.empty() && sid != id) continue;
    auto info = options_.state->GetSupervisor(sid);
    if (!info || (id.empty() && info->hostname != host)) continue;
    page.supervisors.push_back({*info, 0});
  }
  if (page.supervisors.empty()) {
    throw NotAliveError(id.empty() ? "no supervisor is alive on host '" + host + "'"
                                   : "supervisor '" + id + "' is not alive");
  }
  for (const std::string& topology : options_.state->ActiveStorms()) {
    std::optional<Snapshot> s;
    try {
      s = ReadSnapshot(topology);
    } catch (const NotAliveError&) {
      continue;  // removed meanwhile
    } catch (const StateStorageError&) {
      throw;  // ZooKeeper unreachable: the page cannot be built at all
    } catch (const StormError& e) {
      // One unreadable topology does not hide the supervisor's others.
      spdlog::warn("nimbus: supervisor page: cannot read topology {}: {}", topology, e.what());
      continue;
    }
    for (SupervisorSummaryInfo& sup : page.supervisors) {
      for (WorkerSummaryInfo& w : WorkersOf(*s, include_sys, sup.info.id)) {
        ++sup.num_used_workers;
        page.workers.push_back(std::move(w));
      }
    }
  }
  return page;
}

}  // namespace storm
