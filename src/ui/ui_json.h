// Nimbus's Thrift answers as Storm UI's REST JSON: the one place that knows
// Storm's field names and units (docs/ui.md lists them). Latencies and
// capacity are strings with three decimals ("0.048"), as Storm's; uptimes
// both pretty ("5m 58s") and in seconds; counts are numbers.
//
// Pure functions of their arguments (the time is passed in); thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "Nimbus.h"

namespace storm::ui {

using Json = nlohmann::json;

// What links and ages need besides Nimbus's answer.
struct JsonContext {
  int logviewer_port = 8000;
  int64_t now_secs = 0;  // unix time, for errorLapsedSecs
};

// Storm's windows: "600", "10800", "86400", ":all-time".
bool IsStormWindow(const std::string& window);
// "10m 0s", "3h 0m 0s", "1d 0h 0m 0s", "All time".
std::string WindowPretty(const std::string& window);
// "5m 58s": Storm's pretty uptime.
std::string PrettyUptime(int64_t secs);
// "0.048": Storm's latency and capacity strings.
std::string Fixed3(double value);
// http://<host>:<logviewer.port>/api/v1/log?file=<topology-id>%2F<port>%2Fworker.log
std::string WorkerLogLink(const std::string& host, int logviewer_port,
                          const std::string& topology_id, int port);
// The same for the worker's events.log (the tuples sampled for debug).
std::string EventLogLink(const std::string& host, int logviewer_port,
                         const std::string& topology_id, int port);

Json ClusterSummaryJson(const gen::ClusterSummary& cluster);
Json NimbusSummaryJson(const gen::ClusterSummary& cluster, const JsonContext& context);
Json SupervisorSummaryJson(const gen::ClusterSummary& cluster);
Json TopologySummaryJson(const gen::ClusterSummary& cluster);
Json SupervisorPageJson(const gen::SupervisorPageInfo& page, const JsonContext& context);
Json TopologyPageJson(const gen::TopologyPageInfo& page, const std::string& window,
                      const JsonContext& context);
Json ComponentPageJson(const gen::ComponentPageInfo& page, const std::string& window,
                       const JsonContext& context);
// The DAG: component id -> {":type", ":capacity", ":latency", ":transferred",
// ":inputs": [{":component", ":stream", ":grouping"}]}, as Storm's
// /visualization, from the topology (with its system components) and the
// page's stats for the window. Ours on each input, from the executors' stats
// in `info`: ":executed" (all-time count of the tuples that crossed the edge,
// for rates between two polls) and ":rate" (tuples/s over the last 10
// minutes, or the uptime when shorter).
Json VisualizationJson(const gen::StormTopology& topology, const gen::TopologyPageInfo& page,
                       const gen::TopologyInfo& info, bool include_sys);
Json TopologyWorkersJson(const gen::TopologyPageInfo& page, const JsonContext& context);

}  // namespace storm::ui
