// What the daemons (storm-nimbus, storm-supervisor, storm-worker) do alike
// as they start.
#pragma once

#include <signal.h>

#include <string>
#include <vector>

#include "storm/config.h"

namespace storm {

// Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it
// starts afterwards, for the daemon to take them with sigwait (or
// sigtimedwait) on the returned set; ignores SIGPIPE (a peer that went away
// shows as a failed write). Call before any thread starts.
sigset_t BlockStopSignals();

// The start of storm-nimbus and storm-supervisor: the command line (no
// positional argument), the log (as `name`), the config (a warning for each
// unknown storm.* key, a typo more often than not). Throws ConfigError.
Config StartDaemon(const std::string& name, const std::vector<std::string>& args);

// storm.local.hostname when set, else the machine's host name.
std::string LocalHostName(const Config& conf);

}  // namespace storm
