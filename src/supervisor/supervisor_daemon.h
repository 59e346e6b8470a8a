// The Supervisor daemon: what `storm-supervisor` and `storm supervisor` run.
// Takes the global options every storm-cpp program takes
// (common/config/command_line.h) and no other, connects to ZooKeeper,
// runs the Supervisor until SIGTERM/SIGINT (its workers keep running, as in
// Storm: a restarted supervisor finds them). Fail-fast: a problem at start
// is one logged line and a non-zero exit.
#pragma once

#include "common/config/command_line.h"

namespace storm {

inline constexpr const char* kSupervisorDescription =
    "The daemon of one host of a storm-cpp cluster: starts and stops the worker processes "
    "Nimbus assigns to this host's slots (supervisor.slots.ports), until SIGTERM or SIGINT "
    "(the workers keep running).";

// Returns the exit status: 0 after SIGTERM/SIGINT, 1 for a failure.
int RunSupervisorDaemon(const GlobalOptions& command_line);

}  // namespace storm
