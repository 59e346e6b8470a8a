// The Supervisor daemon: what `storm-supervisor` and `storm supervisor` run.
// Reads the config as every storm-cpp program does, connects to ZooKeeper,
// runs the Supervisor until SIGTERM/SIGINT (its workers keep running, as in
// Storm: a restarted supervisor finds them). Fail-fast: a problem at start
// is one logged line and a non-zero exit.
#pragma once

#include <string>
#include <vector>

namespace storm {

int RunSupervisorDaemon(const std::vector<std::string>& args);

}  // namespace storm
