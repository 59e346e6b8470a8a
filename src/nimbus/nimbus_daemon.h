// The Nimbus daemon: what `storm-nimbus` and `storm nimbus` run. Takes the
// global options every storm-cpp program takes (common/config/command_line.h)
// and no other, connects to ZooKeeper, serves Thrift on nimbus.thrift.port
// until SIGTERM/SIGINT. Fail-fast: without ZooKeeper or its port it exits
// non-zero with one line saying why, and its process supervisor starts it
// again.
#pragma once

#include <functional>

#include "common/config/command_line.h"

namespace storm {

inline constexpr const char* kNimbusDescription =
    "The master daemon of a storm-cpp cluster: takes topologies, assigns their executors to "
    "the supervisors' slots, serves Thrift on nimbus.thrift.port until SIGTERM or SIGINT.";

// Returns the exit status: 0 after SIGTERM/SIGINT, 1 for a failure.
int RunNimbusDaemon(const GlobalOptions& command_line);

// Adds `check-library <library> <topology-name> [main args...]` to `app`,
// hidden from its --help: Nimbus runs it on its own binary (storm-nimbus, or
// storm when it runs as `storm nimbus`) to check a submitted library in a
// child process (nimbus/library_check.h). When it is on the command line,
// parsing sets `run` to the check.
void AddCheckLibraryCommand(CLI::App& app, std::function<int()>& run);

}  // namespace storm
