// Definitions of operator< for the Thrift structs used as std::map keys
// (see the header comment of thrift/storm.thrift). The Thrift C++ generator
// declares operator< for every struct but defines none; the generated
// storm_types.cpp itself needs these three to link.

#include <tuple>

#include "storm_types.h"

namespace storm::gen {

// Map key of ComponentCommon.inputs and of the BoltStats maps.
bool GlobalStreamId::operator<(const GlobalStreamId& other) const {
  return std::tie(componentId, streamId) < std::tie(other.componentId, other.streamId);
}

// Map key of ClusterWorkerHeartbeat.executor_stats.
bool ExecutorInfo::operator<(const ExecutorInfo& other) const {
  return std::tie(task_start, task_end) < std::tie(other.task_start, other.task_end);
}

// Map key of Assignment.worker_resources.
bool NodeInfo::operator<(const NodeInfo& other) const {
  return std::tie(node, port) < std::tie(other.node, other.port);
}

}  // namespace storm::gen
