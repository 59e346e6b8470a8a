// storm-nimbus: the master daemon (see nimbus/nimbus_daemon.h).
#include "nimbus/nimbus_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{storm::kNimbusDescription, "storm-nimbus"};
  storm::GlobalOptions options;
  storm::AddGlobalOptions(app, options);
  std::function<int()> run = [&options] { return storm::RunNimbusDaemon(options); };
  storm::AddCheckLibraryCommand(app, run);
  storm::SetUsage(app, "storm-nimbus [OPTIONS]");
  return storm::RunCommandLine(app, argc, argv, run);
}
