// storm-logviewer: the log viewer of one host (see logviewer/logviewer_daemon.h).
#include "logviewer/logviewer_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{storm::kLogviewerDescription, "storm-logviewer"};
  storm::GlobalOptions options;
  storm::AddGlobalOptions(app, options);
  return storm::RunCommandLine(app, argc, argv,
                               [&options] { return storm::RunLogviewerDaemon(options); });
}
