// `storm`: the command-line client (docs/cli.md), with Storm's verbs:
// `storm <verb> [args] [OPTIONS]`, `storm --help`, `storm <verb> --help`.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "logviewer/logviewer_daemon.h"
#include "nimbus/nimbus_daemon.h"
#include "supervisor/supervisor_daemon.h"
#include "ui/ui_daemon.h"

namespace storm::cli {
namespace {

// `storm help [<verb>]`: what --help prints.
void AddHelpCommand(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto topic = std::make_shared<std::string>();
  AddVerb(storm, global, run, "help", "prints this help, or a command's", "storm help [<command>]",
          [&storm, topic] {
            if (topic->empty()) {
              // Not storm.help(): it prints the help of the verb parsed, `help`.
              std::cout << storm.get_formatter()->make_help(&storm, storm.get_name(),
                                                            CLI::AppFormatMode::Normal);
              return 0;
            }
            const auto verbs = storm.get_subcommands([&topic](const CLI::App* verb) {
              return verb->get_name() == *topic && !verb->get_group().empty();  // not hidden
            });
            if (verbs.empty()) {
              std::fprintf(stderr, "storm help: unknown command '%s' (see storm --help)\n",
                           topic->c_str());
              return 2;
            }
            std::cout << verbs[0]->help();
            return 0;
          })
      ->add_option("command", *topic, "a command")
      ->type_name("");
}

}  // namespace
}  // namespace storm::cli

int main(int argc, char** argv) {
  using namespace storm;
  using namespace storm::cli;
  CLI::App app{"storm: the command-line client of a storm-cpp cluster, as Apache Storm's.",
               "storm"};
  GlobalOptions global;
  AddGlobalOptions(app, global);
  Command run;
  AddClusterCommands(app, global, run);
  AddObserveCommands(app, global, run);
  AddLocalCommand(app, global, run);
  AddVerb(app, global, run, "nimbus", "runs the Nimbus daemon (as storm-nimbus)",
          "storm nimbus [OPTIONS]", [&global] { return RunNimbusDaemon(global); });
  AddVerb(app, global, run, "supervisor", "runs the Supervisor daemon (as storm-supervisor)",
          "storm supervisor [OPTIONS]", [&global] { return RunSupervisorDaemon(global); });
  AddVerb(app, global, run, "ui", "runs the UI daemon (as storm-ui)", "storm ui [OPTIONS]",
          [&global] { return RunUiDaemon(global); });
  AddVerb(app, global, run, "logviewer", "runs the log viewer daemon (as storm-logviewer)",
          "storm logviewer [OPTIONS]", [&global] { return RunLogviewerDaemon(global); });
  AddVerb(app, global, run, "version", "prints the storm-cpp version", "storm version [OPTIONS]",
          [] {
            std::printf("storm-cpp %s\n", STORM_VERSION);
            return 0;
          });
  AddHelpCommand(app, global, run);
  // Nimbus runs its own binary, this one for `storm nimbus`, to check libraries.
  AddCheckLibraryCommand(app, run);
  app.require_subcommand(1);
  SetUsage(app, "storm [OPTIONS] <command> [args...]");
  app.footer(
      "-c, --config and --log-level may stand anywhere on the command line; -c also reaches the "
      "config of topologies submitted with jar. Nimbus is found at nimbus.seeds and "
      "nimbus.thrift.port. See storm <command> --help.");
  if (argc == 1) {
    std::cerr << app.help();
    return 2;
  }
  return RunCommandLine(app, argc, argv, run);
}
