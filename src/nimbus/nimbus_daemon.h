// The Nimbus daemon: what `storm-nimbus` and `storm nimbus` run. Reads the
// config as every storm-cpp program does (common/command_line.h), connects
// to ZooKeeper, serves Thrift on nimbus.thrift.port until SIGTERM/SIGINT.
// Fail-fast: without ZooKeeper or its port it exits non-zero with one line
// saying why, and its process supervisor starts it again.
#pragma once

#include <string>
#include <vector>

namespace storm {

int RunNimbusDaemon(const std::vector<std::string>& args);

}  // namespace storm
