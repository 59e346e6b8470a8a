// What the daemons (storm-nimbus, storm-supervisor, storm-worker) do alike
// as they start.
#pragma once

#include <string>

#include "common/util/threads.h"  // BlockStopSignals, for the daemons
#include "storm/config.h"

namespace storm {

struct GlobalOptions;

// The start of storm-nimbus, storm-supervisor, storm-ui and storm-logviewer,
// once their command line is parsed (common/config/command_line.h): the log
// (as `name`, to stderr and to <LogDir>/<name>.log, rotated by
// storm.daemon.log.rotation.*), the config (a warning for each unknown
// storm.* key, a typo more often than not). Throws ConfigError.
Config StartDaemon(const std::string& name, const GlobalOptions& options);

// Where this host's logs go: storm.log.dir when set, else
// <storm.local.dir>/logs; absolute.
std::string LogDir(const Config& conf);

// storm.local.hostname when set, else the machine's host name.
std::string LocalHostName(const Config& conf);

}  // namespace storm
