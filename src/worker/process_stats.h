// This process as it measures itself, for the worker heartbeat's
// ProcessStats: resident memory from /proc/self/statm, CPU time (user +
// system) from getrusage(RUSAGE_SELF), the pid. Any thread.
#pragma once

#include "common/state/cluster_types.h"

namespace storm {

// What cannot be read (no /proc) is left 0.
ProcessStats MeasureThisProcess();

}  // namespace storm
