// Conversions between cluster_types.h and storm.thrift that more than the
// cluster state needs (Nimbus's Thrift adapter reports executor stats).
#pragma once

#include "common/state/cluster_types.h"
#include "storm_types.h"

namespace storm {

// Storm's ExecutorStats, with ours (failure causes, queue, task metrics) in
// the fields Storm does not use.
gen::ExecutorStats ExecutorStatsToThrift(const ExecutorBeatStats& stats);
ExecutorBeatStats ExecutorStatsFromThrift(const gen::ExecutorStats& stats);

gen::WorkerProcessStats ProcessStatsToThrift(const ProcessStats& stats);
ProcessStats ProcessStatsFromThrift(const gen::WorkerProcessStats& stats);

// Storm's ClusterWorkerHeartbeat (/workerbeats, and the worker's stats file).
gen::ClusterWorkerHeartbeat WorkerHeartbeatToThrift(const WorkerHeartbeat& heartbeat);
WorkerHeartbeat WorkerHeartbeatFromThrift(const gen::ClusterWorkerHeartbeat& heartbeat);

// Storm's StormBase (/storms) and Assignment (/assignments), also kept on a
// supervisor's disk (LocalState's copies).
gen::StormBase BaseToThrift(const StormBase& base);
StormBase BaseFromThrift(const gen::StormBase& base);
gen::Assignment AssignmentToThrift(const Assignment& assignment);
Assignment AssignmentFromThrift(const gen::Assignment& assignment);

// Storm's LogConfig as /logconfigs stores it and getLogConfig returns it:
// every entry an UPDATE with its reset deadline.
gen::LogConfig LogConfigToThrift(const LogConfig& config);

}  // namespace storm
