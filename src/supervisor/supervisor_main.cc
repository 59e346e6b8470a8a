// storm-supervisor: the daemon on every host (see supervisor/supervisor_daemon.h).
#include "supervisor/supervisor_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{storm::kSupervisorDescription, "storm-supervisor"};
  storm::GlobalOptions options;
  storm::AddGlobalOptions(app, options);
  return storm::RunCommandLine(app, argc, argv,
                               [&options] { return storm::RunSupervisorDaemon(options); });
}
