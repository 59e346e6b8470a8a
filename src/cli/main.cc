// `storm`: the command-line client (DESIGN section 8).
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "nimbus/nimbus_daemon.h"
#include "supervisor/supervisor_daemon.h"

namespace {

constexpr const char* kUsage =
    "usage: storm <command> [args]\n"
    "\n"
    "commands:\n"
    "  jar <topology.so> [args...]\n"
    "        runs the library's main and submits its topologies to Nimbus\n"
    "  list\n"
    "        lists the topologies on the cluster\n"
    "  kill <name> [-w secs]\n"
    "        deactivates the topology, waits (default: its message timeout), removes it\n"
    "  activate <name> | deactivate <name>\n"
    "        turns the topology's spouts on or off\n"
    "  rebalance <name> [-w secs] [-n workers] [-e component=parallelism]...\n"
    "        spreads the topology over other numbers of workers and executors\n"
    "  nimbus\n"
    "        runs the Nimbus daemon (as storm-nimbus)\n"
    "  supervisor\n"
    "        runs the Supervisor daemon of this host (as storm-supervisor)\n"
    "  local <topology.so> [args...] [--duration SECS] [-c key=value]... [--config FILE]\n"
    "        runs a topology library in this process (no ZooKeeper, no Nimbus)\n"
    "  version\n"
    "        prints the storm-cpp version\n"
    "\n"
    "-c key=value, --config FILE and --log-level LEVEL may stand anywhere on the command\n"
    "line; -c also reaches the config of topologies submitted with jar.\n"
    "Nimbus is found at nimbus.seeds and nimbus.thrift.port.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  // The command is the first word that is not a global option or its value:
  // `storm -c k=v list` is `storm list -c k=v`.
  size_t at = 0;
  while (at < args.size()) {
    const std::string& a = args[at];
    if ((a == "-c" || a == "--config" || a == "--log-level") && at + 1 < args.size()) {
      at += 2;
    } else if (a.rfind("-c", 0) == 0 && a.size() > 2 && a.find('=') != std::string::npos) {
      at += 1;
    } else {
      break;
    }
  }
  if (at == args.size()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = args[at];
  args.erase(args.begin() + static_cast<long>(at));
  if (command == "local") return storm::cli::RunLocal(args);
  if (command == "jar") return storm::cli::RunJar(args);
  if (command == "list") return storm::cli::RunList(args);
  if (command == "kill") return storm::cli::RunKill(args);
  if (command == "activate") return storm::cli::RunActivate(args);
  if (command == "deactivate") return storm::cli::RunDeactivate(args);
  if (command == "rebalance") return storm::cli::RunRebalance(args);
  // `check-library` is Nimbus's own: it runs itself to check uploaded libraries.
  if (command == "nimbus" || command == "check-library") {
    if (command == "check-library") args.insert(args.begin(), command);
    return storm::RunNimbusDaemon(args);
  }
  if (command == "supervisor") return storm::RunSupervisorDaemon(args);
  if (command == "version") {
    std::printf("storm-cpp %s\n", STORM_VERSION);
    return 0;
  }
  std::fprintf(stderr, "storm: unknown command '%s' (see storm help)\n", command.c_str());
  return 2;
}
