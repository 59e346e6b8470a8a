// Checking a submitted topology library before Nimbus accepts it: the
// library must load and its main, run with the topology's arguments
// (topology.cpp.main.args), must build a topology of the submitted name with
// the submitted components. The user's code runs in a child process, so a
// library that crashes, hangs or pollutes the process cannot harm Nimbus.
#pragma once

#include <string>
#include <vector>

#include "nimbus/nimbus.h"

namespace storm {

// A LibraryChecker that runs `exe check-library ...` (the storm-nimbus
// binary, which answers with RunLibraryCheckCommand) and gives up after
// `timeout_secs`.
LibraryChecker MakeSubprocessLibraryChecker(std::string exe, int timeout_secs);

// The child's side: `args` are what follows "check-library" on its command
// line. Prints the topology's components on stdout ("<spout|bolt> <id>" per
// line) and returns 0, or prints one line on stderr and returns 1.
int RunLibraryCheckCommand(const std::vector<std::string>& args);

}  // namespace storm
