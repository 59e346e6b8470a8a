// storm-ui: Storm UI's REST API and web page (see ui/ui_daemon.h).
#include "ui/ui_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{storm::kUiDescription, "storm-ui"};
  storm::GlobalOptions options;
  storm::AddGlobalOptions(app, options);
  std::function<int()> run = [&options] { return storm::RunUiDaemon(options); };
  storm::SetUsage(app, "storm-ui [OPTIONS]");
  return storm::RunCommandLine(app, argc, argv, run);
}
