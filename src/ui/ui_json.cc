#include "ui/ui_json.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "common/http/url.h"
#include "storm/config.h"

namespace storm::ui {

namespace {

const char* const kWindows[] = {"600", "10800", "86400", ":all-time"};

bool IsSystemId(const std::string& id) {
  return id.rfind("__", 0) == 0;
}

template <class Map>
auto ValueOr(const Map& map, const typename Map::key_type& key) -> typename Map::mapped_type {
  auto it = map.find(key);
  return it == map.end() ? typename Map::mapped_type{} : it->second;
}

// The last error fields of a spout or bolt row; empty ones when none.
void AddLastError(Json& row, const gen::ComponentAggregateStats& stats,
                  const std::string& topology_id, const JsonContext& context) {
  if (!stats.__isset.last_error) {
    row["lastError"] = "";
    row["errorHost"] = "";
    row["errorPort"] = nullptr;
    row["errorWorkerLogLink"] = "";
    row["errorTime"] = nullptr;
    row["errorLapsedSecs"] = nullptr;
    return;
  }
  const gen::ErrorInfo& e = stats.last_error;
  row["lastError"] = e.error;
  row["errorHost"] = e.host;
  row["errorPort"] = e.port;
  row["errorWorkerLogLink"] = WorkerLogLink(e.host, context.logviewer_port, topology_id, e.port);
  row["errorTime"] = e.error_time_secs;
  row["errorLapsedSecs"] = std::max<int64_t>(0, context.now_secs - e.error_time_secs);
}

Json ErrorJson(const gen::ErrorInfo& e, const std::string& topology_id,
               const JsonContext& context) {
  return {
      {"error", e.error},
      {"errorTime", e.error_time_secs},
      {"errorHost", e.host},
      {"errorPort", e.port},
      {"errorLapsedSecs", std::max<int64_t>(0, context.now_secs - e.error_time_secs)},
      {"errorWorkerLogLink", WorkerLogLink(e.host, context.logviewer_port, topology_id, e.port)}};
}

// emitted, transferred, acked, failed and the latencies of one aggregate.
Json StatsJson(const gen::ComponentAggregateStats& stats) {
  const gen::CommonAggregateStats& c = stats.common_stats;
  Json row = {{"emitted", c.emitted},
              {"transferred", c.transferred},
              {"acked", c.acked},
              {"failed", c.failed}};
  if (stats.type == gen::ComponentType::SPOUT) {
    row["completeLatency"] = Fixed3(stats.specific_stats.spout.complete_latency_ms);
  } else {
    const gen::BoltAggregateStats& b = stats.specific_stats.bolt;
    row["executeLatency"] = Fixed3(b.execute_latency_ms);
    row["processLatency"] = Fixed3(b.process_latency_ms);
    row["executed"] = b.executed;
    row["capacity"] = Fixed3(b.capacity);
  }
  return row;
}

Json ComponentRow(const std::string& id, const gen::ComponentAggregateStats& stats,
                  const std::string& topology_id, const JsonContext& context) {
  Json row = StatsJson(stats);
  const bool spout = stats.type == gen::ComponentType::SPOUT;
  row[spout ? "spoutId" : "boltId"] = id;
  row[spout ? "encodedSpoutId" : "encodedBoltId"] = http::UrlEncode(id);
  row["executors"] = stats.common_stats.num_executors;
  row["tasks"] = stats.common_stats.num_tasks;
  AddLastError(row, stats, topology_id, context);
  return row;
}

Json WorkerJson(const gen::WorkerSummary& w, const JsonContext& context) {
  Json row = {
      {"supervisorId", w.supervisor_id},
      {"host", w.host},
      {"port", w.port},
      {"topologyId", w.topology_id},
      {"topologyName", w.topology_name},
      {"executorsTotal", w.num_executors},
      {"componentNumTasks", w.component_to_num_tasks},
      {"uptime", PrettyUptime(w.uptime_secs)},
      {"uptimeSeconds", w.uptime_secs},
      {"assignedMemOnHeap", w.assigned_memonheap},
      {"assignedMemOffHeap", w.assigned_memoffheap},
      {"assignedCpu", w.assigned_cpu},
      {"workerLogLink", WorkerLogLink(w.host, context.logviewer_port, w.topology_id, w.port)}};
  if (w.__isset.process) {  // ours: what the worker's last heartbeat measured
    row["rssBytes"] = w.process.rss_bytes;
    row["cpuSecs"] = w.process.cpu_secs;
  }
  return row;
}

Json SupervisorJson(const gen::SupervisorSummary& s) {
  return {{"id", s.supervisor_id},
          {"host", s.host},
          {"uptime", PrettyUptime(s.uptime_secs)},
          {"uptimeSeconds", s.uptime_secs},
          {"slotsTotal", s.num_workers},
          {"slotsUsed", s.num_used_workers},
          {"slotsFree", s.num_workers - s.num_used_workers},
          {"totalMem", ValueOr(s.total_resources, "memory")},
          {"totalCpu", ValueOr(s.total_resources, "cpu")},
          {"usedMem", s.used_mem},
          {"usedCpu", s.used_cpu},
          {"version", s.version}};
}

// One row per Storm window of the page's topology-wide stats.
Json TopologyStatsJson(const gen::TopologyStats& stats) {
  Json rows = Json::array();
  for (const char* window : kWindows) {
    rows.push_back(
        {{"windowPretty", WindowPretty(window)},
         {"window", window},
         {"emitted", ValueOr(stats.window_to_emitted, window)},
         {"transferred", ValueOr(stats.window_to_transferred, window)},
         {"completeLatency", Fixed3(ValueOr(stats.window_to_complete_latencies_ms, window))},
         {"acked", ValueOr(stats.window_to_acked, window)},
         {"failed", ValueOr(stats.window_to_failed, window)}});
  }
  return rows;
}

Json ParseConf(const std::string& conf) {
  Json parsed = Json::parse(conf, nullptr, false);
  return parsed.is_discarded() || !parsed.is_object() ? Json::object() : parsed;
}

}  // namespace

bool IsStormWindow(const std::string& window) {
  return std::find(std::begin(kWindows), std::end(kWindows), window) != std::end(kWindows);
}

std::string WindowPretty(const std::string& window) {
  if (window == ":all-time") return "All time";
  try {
    return PrettyUptime(std::stoll(window));
  } catch (const std::exception&) {
    return window;
  }
}

std::string PrettyUptime(int64_t secs) {
  const int64_t days = secs / 86400, hours = secs % 86400 / 3600, minutes = secs % 3600 / 60;
  std::string out;
  if (days > 0) out += std::to_string(days) + "d ";
  if (!out.empty() || hours > 0) out += std::to_string(hours) + "h ";
  if (!out.empty() || minutes > 0) out += std::to_string(minutes) + "m ";
  return out + std::to_string(secs % 60) + "s";
}

std::string Fixed3(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

namespace {
std::string LogviewerLink(const std::string& host, int logviewer_port,
                          const std::string& topology_id, int port, const std::string& file) {
  return "http://" + host + ":" + std::to_string(logviewer_port) + "/api/v1/log?file=" +
         http::UrlEncode(topology_id + "/" + std::to_string(port) + "/" + file);
}
}  // namespace

std::string WorkerLogLink(const std::string& host, int logviewer_port,
                          const std::string& topology_id, int port) {
  return LogviewerLink(host, logviewer_port, topology_id, port, "worker.log");
}

std::string EventLogLink(const std::string& host, int logviewer_port,
                         const std::string& topology_id, int port) {
  return LogviewerLink(host, logviewer_port, topology_id, port, "events.log");
}

Json ClusterSummaryJson(const gen::ClusterSummary& cluster) {
  int64_t slots = 0, used = 0, executors = 0, tasks = 0;
  for (const auto& s : cluster.supervisors) {
    slots += s.num_workers;
    used += s.num_used_workers;
  }
  for (const auto& t : cluster.topologies) {
    executors += t.num_executors;
    tasks += t.num_tasks;
  }
  std::string version = STORM_VERSION;
  for (const auto& n : cluster.nimbuses) {
    if (n.isLeader) version = n.version;
  }
  return {{"stormVersion", version},
          {"supervisors", cluster.supervisors.size()},
          {"topologies", cluster.topologies.size()},
          {"slotsTotal", slots},
          {"slotsUsed", used},
          {"slotsFree", slots - used},
          {"executorsTotal", executors},
          {"tasksTotal", tasks},
          {"schedulerDisplayResource", false}};
}

Json NimbusSummaryJson(const gen::ClusterSummary& cluster, const JsonContext& context) {
  Json nimbuses = Json::array();
  for (const auto& n : cluster.nimbuses) {
    nimbuses.push_back(
        {{"host", n.host},
         {"port", n.port},
         {"status", n.isLeader ? "Leader" : "Not a Leader"},
         {"version", n.version},
         {"nimbusUpTime", PrettyUptime(n.uptime_secs)},
         {"nimbusUpTimeSeconds", n.uptime_secs},
         {"nimbusLogLink", "http://" + n.host + ":" + std::to_string(context.logviewer_port) +
                               "/api/v1/daemonlog?file=nimbus.log"}});
  }
  return {{"nimbuses", nimbuses}};
}

Json SupervisorSummaryJson(const gen::ClusterSummary& cluster) {
  Json supervisors = Json::array();
  for (const auto& s : cluster.supervisors) supervisors.push_back(SupervisorJson(s));
  return {{"supervisors", supervisors}, {"schedulerDisplayResource", false}};
}

Json TopologySummaryJson(const gen::ClusterSummary& cluster) {
  Json topologies = Json::array();
  for (const auto& t : cluster.topologies) {
    topologies.push_back({{"id", t.id},
                          {"encodedId", http::UrlEncode(t.id)},
                          {"name", t.name},
                          {"owner", t.owner},
                          {"status", t.status},
                          {"uptime", PrettyUptime(t.uptime_secs)},
                          {"uptimeSeconds", t.uptime_secs},
                          {"tasksTotal", t.num_tasks},
                          {"workersTotal", t.num_workers},
                          {"executorsTotal", t.num_executors},
                          {"replicationCount", t.replication_count},
                          {"schedulerInfo", t.sched_status},
                          {"stormVersion", t.storm_version}});
  }
  return {{"topologies", topologies}, {"schedulerDisplayResource", false}};
}

Json SupervisorPageJson(const gen::SupervisorPageInfo& page, const JsonContext& context) {
  Json supervisors = Json::array();
  for (const auto& s : page.supervisor_summaries) supervisors.push_back(SupervisorJson(s));
  Json workers = Json::array();
  for (const auto& w : page.worker_summaries) workers.push_back(WorkerJson(w, context));
  return {{"supervisors", supervisors}, {"workers", workers}, {"schedulerDisplayResource", false}};
}

Json TopologyPageJson(const gen::TopologyPageInfo& page, const std::string& window,
                      const JsonContext& context) {
  const Json conf = ParseConf(page.topology_conf);
  Json spouts = Json::array(), bolts = Json::array(), workers = Json::array();
  for (const auto& [id, stats] : page.id_to_spout_agg_stats) {
    spouts.push_back(ComponentRow(id, stats, page.id, context));
  }
  for (const auto& [id, stats] : page.id_to_bolt_agg_stats) {
    bolts.push_back(ComponentRow(id, stats, page.id, context));
  }
  for (const auto& w : page.workers) workers.push_back(WorkerJson(w, context));
  return {
      {"id", page.id},
      {"encodedId", http::UrlEncode(page.id)},
      {"name", page.name},
      {"owner", page.owner},
      {"status", page.status},
      {"uptime", PrettyUptime(page.uptime_secs)},
      {"uptimeSeconds", page.uptime_secs},
      {"tasksTotal", page.num_tasks},
      {"workersTotal", page.num_workers},
      {"executorsTotal", page.num_executors},
      {"msgTimeout", conf.value(std::string(Config::kTopologyMessageTimeoutSecs), Json(nullptr))},
      {"window", window},
      {"windowHint", WindowPretty(window)},
      {"schedulerInfo", page.sched_status},
      {"schedulerDisplayResource", false},
      {"replicationCount", page.replication_count},
      {"stormVersion", page.storm_version},
      {"debug", page.debug_options.enable},
      {"samplingPct", page.debug_options.samplingpct},
      {"topologyStats", TopologyStatsJson(page.topology_stats)},
      {"spouts", spouts},
      {"bolts", bolts},
      {"workers", workers},
      {"configuration", conf}};
}

Json ComponentPageJson(const gen::ComponentPageInfo& page, const std::string& window,
                       const JsonContext& context) {
  const bool spout = page.component_type == gen::ComponentType::SPOUT;
  Json windows = Json::array();
  for (const char* w : kWindows) {
    Json row = StatsJson(ValueOr(page.window_to_stats, w));
    if (spout) row.erase("executeLatency");
    row["windowPretty"] = WindowPretty(w);
    row["window"] = w;
    windows.push_back(row);
  }
  Json outputs = Json::array();
  for (const auto& [stream, stats] : page.sid_to_output_stats) {
    outputs.push_back(
        {{"stream", stream},
         {"emitted", stats.common_stats.emitted},
         {"transferred", stats.common_stats.transferred},
         {"acked", stats.common_stats.acked},
         {"failed", stats.common_stats.failed},
         {"completeLatency", Fixed3(stats.specific_stats.spout.complete_latency_ms)}});
    if (!spout) outputs.back().erase("completeLatency");
  }
  Json inputs = Json::array();
  for (const auto& [gsid, stats] : page.gsid_to_input_stats) {
    const gen::BoltAggregateStats& b = stats.specific_stats.bolt;
    inputs.push_back({{"component", gsid.componentId},
                      {"encodedComponentId", http::UrlEncode(gsid.componentId)},
                      {"stream", gsid.streamId},
                      {"executeLatency", Fixed3(b.execute_latency_ms)},
                      {"processLatency", Fixed3(b.process_latency_ms)},
                      {"executed", b.executed},
                      {"acked", stats.common_stats.acked},
                      {"failed", stats.common_stats.failed}});
  }
  Json executors = Json::array();
  for (const auto& e : page.exec_stats) {
    const gen::ExecutorSummary& s = e.exec_summary;
    const std::string id = "[" + std::to_string(s.executor_info.task_start) + "-" +
                           std::to_string(s.executor_info.task_end) + "]";
    Json row = StatsJson(e.stats);
    row.update({{"id", id},
                {"encodedId", http::UrlEncode(id)},
                {"host", s.host},
                {"port", s.port},
                {"uptime", PrettyUptime(s.uptime_secs)},
                {"uptimeSeconds", s.uptime_secs},
                {"workerLogLink",
                 WorkerLogLink(s.host, context.logviewer_port, page.topology_id, s.port)},
                {"eventLogLink",
                 EventLogLink(s.host, context.logviewer_port, page.topology_id, s.port)}});
    executors.push_back(row);
  }
  // Storm's component-level link; here the events.log of its first executor
  // (each worker logs the emits of its own executors).
  const std::string event_log_link =
      page.exec_stats.empty() ? ""
                              : EventLogLink(page.exec_stats[0].exec_summary.host,
                                             context.logviewer_port, page.topology_id,
                                             page.exec_stats[0].exec_summary.port);
  Json errors = Json::array();
  for (const auto& e : page.errors) errors.push_back(ErrorJson(e, page.topology_id, context));
  return {{"id", page.component_id},
          {"encodedId", http::UrlEncode(page.component_id)},
          {"name", page.topology_name},
          {"componentType", spout ? "spout" : "bolt"},
          {"executors", page.num_executors},
          {"tasks", page.num_tasks},
          {"topologyId", page.topology_id},
          {"encodedTopologyId", http::UrlEncode(page.topology_id)},
          {"topologyStatus", page.topology_status},
          {"window", window},
          {"windowHint", WindowPretty(window)},
          {"debug", page.debug_options.enable},
          {"samplingPct", page.debug_options.samplingpct},
          {"eventLogLink", event_log_link},
          {"componentErrors", errors},
          {spout ? "spoutSummary" : "boltStats", windows},
          {"outputStats", outputs},
          {"inputStats", inputs},
          {"executorStats", executors}};
}

namespace {

std::string GroupingName(const gen::Grouping& g) {
  if (g.__isset.fields) return g.fields.empty() ? "global" : "fields";
  if (g.__isset.shuffle) return "shuffle";
  if (g.__isset.all) return "all";
  if (g.__isset.none) return "none";
  if (g.__isset.direct) return "direct";
  if (g.__isset.local_or_shuffle) return "local_or_shuffle";
  return "custom";
}

// Tuples executed by a bolt per input stream, summed over its executors:
// (bolt, input) -> count, for one window.
using EdgeCounts = std::map<std::pair<std::string, gen::GlobalStreamId>, int64_t>;

EdgeCounts ExecutedByEdge(const gen::TopologyInfo& info, const std::string& window) {
  EdgeCounts counts;
  for (const auto& e : info.executors) {
    if (!e.__isset.stats || !e.stats.specific.__isset.bolt) continue;
    const auto& executed = e.stats.specific.bolt.executed;
    auto in_window = executed.find(window);
    if (in_window == executed.end()) continue;
    for (const auto& [gsid, n] : in_window->second) counts[{e.component_id, gsid}] += n;
  }
  return counts;
}

Json Inputs(const std::string& id, const gen::ComponentCommon& common, bool include_sys,
            const EdgeCounts& all_time, const EdgeCounts& recent, double recent_secs) {
  Json inputs = Json::array();
  for (const auto& [gsid, grouping] : common.inputs) {
    if (!include_sys && (IsSystemId(gsid.componentId) || IsSystemId(gsid.streamId))) continue;
    const int64_t executed = ValueOr(all_time, std::make_pair(id, gsid));
    const int64_t in_recent = ValueOr(recent, std::make_pair(id, gsid));
    inputs.push_back({{":component", gsid.componentId},
                      {":stream", gsid.streamId},
                      {":sani-stream", http::UrlEncode(gsid.streamId)},
                      {":grouping", GroupingName(grouping)},
                      {":executed", executed},
                      {":rate", static_cast<double>(in_recent) / recent_secs}});
  }
  return inputs;
}

}  // namespace

Json VisualizationJson(const gen::StormTopology& topology, const gen::TopologyPageInfo& page,
                       const gen::TopologyInfo& info, bool include_sys) {
  const EdgeCounts all_time = ExecutedByEdge(info, ":all-time");
  const EdgeCounts recent = ExecutedByEdge(info, "600");
  const double recent_secs = std::clamp(static_cast<double>(page.uptime_secs), 1.0, 600.0);
  const auto inputs = [&](const std::string& id, const gen::ComponentCommon& common) {
    return Inputs(id, common, include_sys, all_time, recent, recent_secs);
  };
  Json graph = Json::object();
  for (const auto& [id, spec] : topology.spouts) {
    if (!include_sys && IsSystemId(id)) continue;
    const auto stats = ValueOr(page.id_to_spout_agg_stats, id);
    graph[id] = {{":type", "spout"},
                 {":capacity", 0},
                 {":latency", stats.specific_stats.spout.complete_latency_ms},
                 {":transferred", stats.common_stats.transferred},
                 {":emitted", stats.common_stats.emitted},
                 {":inputs", inputs(id, spec.common)}};
  }
  for (const auto& [id, bolt] : topology.bolts) {
    if (!include_sys && IsSystemId(id)) continue;
    const auto stats = ValueOr(page.id_to_bolt_agg_stats, id);
    graph[id] = {{":type", "bolt"},
                 {":capacity", stats.specific_stats.bolt.capacity},
                 {":latency", stats.specific_stats.bolt.process_latency_ms},
                 {":transferred", stats.common_stats.transferred},
                 {":emitted", stats.common_stats.emitted},
                 {":executed", stats.specific_stats.bolt.executed},
                 {":inputs", inputs(id, bolt.common)}};
  }
  return graph;
}

Json TopologyWorkersJson(const gen::TopologyPageInfo& page, const JsonContext& context) {
  Json list = Json::array();
  std::set<std::pair<std::string, int>> seen;
  for (const auto& w : page.workers) {
    if (seen.emplace(w.host, w.port).second) list.push_back({{"host", w.host}, {"port", w.port}});
  }
  return {{"hostPortList", list}, {"logviewerPort", context.logviewer_port}};
}

}  // namespace storm::ui
