// What Nimbus answers for the UI's pages (Storm's TopologyPageInfo,
// ComponentPageInfo, SupervisorPageInfo), as domain types; nimbus_server.cc
// turns them into Thrift. Built by Nimbus::Get*Page (nimbus_pages.cc) with
// the aggregation of stats_aggregation.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/state/cluster_types.h"
#include "nimbus/stats_aggregation.h"

namespace storm {

struct TopologySummaryInfo {
  std::string id;
  std::string name;
  std::string status;  // ACTIVE, INACTIVE, REBALANCING, KILLED
  int num_tasks = 0;
  int num_executors = 0;
  int num_workers = 0;  // slots assigned
  int64_t uptime_secs = 0;
  std::string owner;
};

struct SupervisorSummaryInfo {
  SupervisorInfo info;
  int num_used_workers = 0;
};

// A worker slot of a topology (Storm's WorkerSummary). time_secs,
// uptime_secs and process come from its last heartbeat (0 and none before
// its first).
struct WorkerSummaryInfo {
  std::string supervisor_id;
  std::string host;
  int port = 0;
  std::string topology_id;
  std::string topology_name;
  int num_executors = 0;
  std::map<std::string, int64_t> component_to_num_tasks;
  int64_t time_secs = 0;
  int64_t uptime_secs = 0;
  std::string owner;
  std::optional<ProcessStats> process;
};

struct TopologyPage {
  TopologySummaryInfo summary;
  std::string conf_json;
  std::map<std::string, ComponentAggStats> spouts;  // by component id
  std::map<std::string, ComponentAggStats> bolts;
  std::map<std::string, TopologyWindowTotals> windows;  // every kStatsWindows
  std::optional<DebugOptions> debug;                   // component_debug[""]
  std::vector<WorkerSummaryInfo> workers;
};

// One executor of a component with its stats over the page's window.
struct ExecutorAggInfo {
  ExecutorSummaryInfo summary;
  ComponentAggStats stats;
};

struct ComponentPage {
  std::string component_id;
  bool is_spout = false;
  std::string topology_id;
  std::string topology_name;
  std::string topology_status;
  int num_executors = 0;
  int num_tasks = 0;
  std::map<std::string, ComponentAggStats> windows;  // every kStatsWindows
  std::map<StatsStreamId, ComponentAggStats> input_streams;  // bolts
  std::map<std::string, ComponentAggStats> output_streams;
  std::vector<ExecutorAggInfo> executors;
  std::vector<ErrorRecordInfo> errors;  // oldest first
  std::string eventlog_host;            // a worker running the component
  int eventlog_port = 0;
  std::optional<DebugOptions> debug;
};

struct SupervisorPage {
  std::vector<SupervisorSummaryInfo> supervisors;
  std::vector<WorkerSummaryInfo> workers;
};

}  // namespace storm
