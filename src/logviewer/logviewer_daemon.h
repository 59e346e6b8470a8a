// The logviewer daemon, one per supervisor host: what `storm-logviewer` and
// `storm logviewer` run. Serves the host's logs under storm.log.dir on
// logviewer.port (logviewer_handlers.h) and, every
// logviewer.cleanup.interval.secs, deletes old logs of dead workers
// (log_cleaner.h), until SIGTERM/SIGINT.
#pragma once

#include "common/config/command_line.h"

namespace storm {

inline constexpr const char* kLogviewerDescription =
    "The log viewer of one host of a storm-cpp cluster: pages, searches and downloads the "
    "worker and daemon logs under storm.log.dir on logviewer.port, and cleans up old worker "
    "logs, until SIGTERM or SIGINT.";

// Returns the exit status: 0 after SIGTERM/SIGINT, 1 for a failure.
int RunLogviewerDaemon(const GlobalOptions& command_line);

}  // namespace storm
