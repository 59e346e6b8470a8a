#include "nimbus/page_thrift.h"

#include "common/state/cluster_thrift.h"

namespace storm {

namespace {

int32_t I32(int64_t v) { return static_cast<int32_t>(v); }

gen::DebugOptions DebugToThrift(const DebugOptions& d) {
  gen::DebugOptions out;
  out.__set_enable(d.enable);
  out.__set_samplingpct(d.sampling_pct);
  return out;
}

// Storm sets the spout fields for spouts and the bolt fields for bolts.
gen::ComponentAggregateStats AggToThrift(const ComponentAggStats& s, bool with_counts) {
  gen::ComponentAggregateStats out;
  out.__set_type(s.is_spout ? gen::ComponentType::SPOUT : gen::ComponentType::BOLT);
  gen::CommonAggregateStats common;
  if (with_counts) {
    common.__set_num_executors(s.num_executors);
    common.__set_num_tasks(s.num_tasks);
  }
  common.__set_emitted(s.emitted);
  common.__set_transferred(s.transferred);
  common.__set_acked(s.acked);
  common.__set_failed(s.failed);
  out.__set_common_stats(common);
  gen::SpecificAggregateStats specific;
  if (s.is_spout) {
    gen::SpoutAggregateStats spout;
    spout.__set_complete_latency_ms(s.complete_latency_ms);
    specific.__set_spout(spout);
  } else {
    gen::BoltAggregateStats bolt;
    bolt.__set_execute_latency_ms(s.execute_latency_ms);
    bolt.__set_process_latency_ms(s.process_latency_ms);
    bolt.__set_executed(s.executed);
    bolt.__set_capacity(s.capacity);
    specific.__set_bolt(bolt);
  }
  out.__set_specific_stats(specific);
  if (s.last_error) out.__set_last_error(ErrorToThrift(*s.last_error));
  return out;
}

gen::WorkerSummary WorkerToThrift(const WorkerSummaryInfo& w) {
  gen::WorkerSummary out;
  out.__set_supervisor_id(w.supervisor_id);
  out.__set_host(w.host);
  out.__set_port(w.port);
  out.__set_topology_id(w.topology_id);
  out.__set_topology_name(w.topology_name);
  out.__set_num_executors(w.num_executors);
  out.__set_component_to_num_tasks(w.component_to_num_tasks);
  out.__set_time_secs(I32(w.time_secs));
  out.__set_uptime_secs(I32(w.uptime_secs));
  if (!w.owner.empty()) out.__set_owner(w.owner);
  if (w.process) out.__set_process(ProcessStatsToThrift(*w.process));
  return out;
}

}  // namespace

gen::TopologySummary SummaryToThrift(const TopologySummaryInfo& t) {
  gen::TopologySummary out;
  out.id = t.id;
  out.name = t.name;
  out.num_tasks = t.num_tasks;
  out.num_executors = t.num_executors;
  out.num_workers = t.num_workers;
  out.uptime_secs = I32(t.uptime_secs);
  out.status = t.status;
  out.__set_storm_version(STORM_VERSION);
  if (!t.owner.empty()) out.__set_owner(t.owner);
  return out;
}

gen::SupervisorSummary SupervisorToThrift(const SupervisorSummaryInfo& s) {
  gen::SupervisorSummary out;
  out.host = s.info.hostname;
  out.uptime_secs = I32(s.info.uptime_secs);
  out.num_workers = static_cast<int32_t>(s.info.slots.size());
  out.num_used_workers = s.num_used_workers;
  out.supervisor_id = s.info.id;
  out.__set_version(s.info.version);
  return out;
}

gen::ErrorInfo ErrorToThrift(const ErrorRecordInfo& e) {
  gen::ErrorInfo out;
  out.error = e.error;
  out.error_time_secs = I32(e.time_secs);
  out.__set_host(e.host);
  out.__set_port(e.port);
  return out;
}

gen::ExecutorSummary ExecutorToThrift(const ExecutorSummaryInfo& e) {
  gen::ExecutorSummary out;
  out.executor_info.task_start = e.executor.first;
  out.executor_info.task_end = e.executor.second;
  out.component_id = e.component;
  out.host = e.host;
  out.port = e.port;
  out.uptime_secs = I32(e.uptime_secs);
  if (e.stats) out.__set_stats(ExecutorStatsToThrift(*e.stats));
  return out;
}

gen::TopologyPageInfo TopologyPageToThrift(const TopologyPage& page) {
  gen::TopologyPageInfo out;
  const TopologySummaryInfo& t = page.summary;
  out.id = t.id;
  out.__set_name(t.name);
  out.__set_uptime_secs(I32(t.uptime_secs));
  out.__set_status(t.status);
  out.__set_num_tasks(t.num_tasks);
  out.__set_num_workers(t.num_workers);
  out.__set_num_executors(t.num_executors);
  out.__set_topology_conf(page.conf_json);
  std::map<std::string, gen::ComponentAggregateStats> spouts;
  for (const auto& [id, s] : page.spouts) spouts[id] = AggToThrift(s, true);
  out.__set_id_to_spout_agg_stats(spouts);
  std::map<std::string, gen::ComponentAggregateStats> bolts;
  for (const auto& [id, s] : page.bolts) bolts[id] = AggToThrift(s, true);
  out.__set_id_to_bolt_agg_stats(bolts);
  gen::TopologyStats stats;
  for (const auto& [w, totals] : page.windows) {
    stats.window_to_emitted[w] = totals.emitted;
    stats.window_to_transferred[w] = totals.transferred;
    stats.window_to_complete_latencies_ms[w] = totals.complete_latency_ms;
    stats.window_to_acked[w] = totals.acked;
    stats.window_to_failed[w] = totals.failed;
  }
  stats.__isset.window_to_emitted = stats.__isset.window_to_transferred = true;
  stats.__isset.window_to_complete_latencies_ms = stats.__isset.window_to_acked = true;
  stats.__isset.window_to_failed = true;
  out.__set_topology_stats(stats);
  if (!t.owner.empty()) out.__set_owner(t.owner);
  if (page.debug) out.__set_debug_options(DebugToThrift(*page.debug));
  std::vector<gen::WorkerSummary> workers;
  for (const auto& w : page.workers) workers.push_back(WorkerToThrift(w));
  out.__set_workers(workers);
  out.__set_storm_version(STORM_VERSION);
  return out;
}

gen::ComponentPageInfo ComponentPageToThrift(const ComponentPage& page) {
  gen::ComponentPageInfo out;
  out.component_id = page.component_id;
  out.component_type = page.is_spout ? gen::ComponentType::SPOUT : gen::ComponentType::BOLT;
  out.__set_topology_id(page.topology_id);
  out.__set_topology_name(page.topology_name);
  out.__set_num_executors(page.num_executors);
  out.__set_num_tasks(page.num_tasks);
  std::map<std::string, gen::ComponentAggregateStats> windows;
  for (const auto& [w, s] : page.windows) windows[w] = AggToThrift(s, true);
  out.__set_window_to_stats(windows);
  if (!page.is_spout) {
    std::map<gen::GlobalStreamId, gen::ComponentAggregateStats> inputs;
    for (const auto& [sid, s] : page.input_streams) {
      gen::GlobalStreamId g;
      g.componentId = sid.component;
      g.streamId = sid.stream;
      inputs[g] = AggToThrift(s, false);
    }
    out.__set_gsid_to_input_stats(inputs);
  }
  std::map<std::string, gen::ComponentAggregateStats> outputs;
  for (const auto& [sid, s] : page.output_streams) outputs[sid] = AggToThrift(s, false);
  out.__set_sid_to_output_stats(outputs);
  std::vector<gen::ExecutorAggregateStats> executors;
  for (const ExecutorAggInfo& e : page.executors) {
    gen::ExecutorAggregateStats t;
    t.__set_exec_summary(ExecutorToThrift(e.summary));
    t.__set_stats(AggToThrift(e.stats, true));
    executors.push_back(std::move(t));
  }
  out.__set_exec_stats(executors);
  std::vector<gen::ErrorInfo> errors;
  for (const auto& e : page.errors) errors.push_back(ErrorToThrift(e));
  out.__set_errors(errors);
  if (!page.eventlog_host.empty()) {
    out.__set_eventlog_host(page.eventlog_host);
    out.__set_eventlog_port(page.eventlog_port);
  }
  if (page.debug) out.__set_debug_options(DebugToThrift(*page.debug));
  out.__set_topology_status(page.topology_status);
  return out;
}

gen::SupervisorPageInfo SupervisorPageToThrift(const SupervisorPage& page) {
  gen::SupervisorPageInfo out;
  std::vector<gen::SupervisorSummary> supervisors;
  for (const auto& s : page.supervisors) supervisors.push_back(SupervisorToThrift(s));
  out.__set_supervisor_summaries(supervisors);
  std::vector<gen::WorkerSummary> workers;
  for (const auto& w : page.workers) workers.push_back(WorkerToThrift(w));
  out.__set_worker_summaries(workers);
  return out;
}

}  // namespace storm
