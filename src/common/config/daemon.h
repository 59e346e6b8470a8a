// What the daemons (storm-nimbus, storm-supervisor, storm-worker) do alike
// as they start.
#pragma once

#include <string>

#include "common/util/threads.h"  // BlockStopSignals, for the daemons
#include "storm/config.h"

namespace storm {

struct GlobalOptions;

// The start of storm-nimbus and storm-supervisor, once their command line is
// parsed (common/config/command_line.h): the log (as `name`), the config (a
// warning for each unknown storm.* key, a typo more often than not). Throws
// ConfigError.
Config StartDaemon(const std::string& name, const GlobalOptions& options);

// storm.local.hostname when set, else the machine's host name.
std::string LocalHostName(const Config& conf);

}  // namespace storm
