// What the daemons (storm-nimbus, storm-supervisor, storm-worker) do alike
// as they start.
#pragma once

#include <string>
#include <vector>

#include "common/util/threads.h"  // BlockStopSignals, for the daemons
#include "storm/config.h"

namespace storm {

// The start of storm-nimbus and storm-supervisor: the command line (no
// positional argument), the log (as `name`), the config (a warning for each
// unknown storm.* key, a typo more often than not). Throws ConfigError.
Config StartDaemon(const std::string& name, const std::vector<std::string>& args);

// storm.local.hostname when set, else the machine's host name.
std::string LocalHostName(const Config& conf);

}  // namespace storm
