// storm-worker: one worker process of a topology (see worker/worker_daemon.h).
#include "worker/worker_daemon.h"

int main(int argc, char** argv) {
  CLI::App app{storm::kWorkerDescription, "storm-worker"};
  storm::WorkerCommandLine options;
  storm::AddWorkerOptions(app, options);
  return storm::RunCommandLine(app, argc, argv,
                               [&options] { return storm::RunWorkerDaemon(options); });
}
