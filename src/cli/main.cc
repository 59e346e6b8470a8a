// `storm`: the command-line client (DESIGN section 8).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: storm <command> [args]\n"
    "\n"
    "commands:\n"
    "  local <topology.so> [args...] [--duration SECS] [-c key=value]... [--config FILE]\n"
    "        runs a topology library in this process (no ZooKeeper, no Nimbus)\n"
    "  version\n"
    "        prints the storm-cpp version\n"
    "\n"
    "-c key=value and --config FILE may stand anywhere on the command line.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "local") return storm::cli::RunLocal(args);
  if (command == "version") {
    std::printf("storm-cpp %s\n", STORM_VERSION);
    return 0;
  }
  std::fprintf(stderr, "storm: unknown command '%s' (see storm help)\n", command.c_str());
  return 2;
}
