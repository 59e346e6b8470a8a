// Conversions between cluster_types.h and storm.thrift that more than the
// cluster state needs (Nimbus's Thrift adapter reports executor stats).
#pragma once

#include "common/state/cluster_types.h"
#include "storm_types.h"

namespace storm {

gen::ExecutorStats ExecutorStatsToThrift(const ExecutorBeatStats& stats);
ExecutorBeatStats ExecutorStatsFromThrift(const gen::ExecutorStats& stats);

}  // namespace storm
